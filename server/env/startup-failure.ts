import { ConfigError } from './parsers';

/**
 * How `npm start` and `npm run sandbox` end when they cannot start: exactly one line on
 * stderr (`Configuration error: NAME: …` for a setting to fix), exit code 1. Call it before
 * anything else has been printed, so that this line is all a user sees.
 */
export function exitOnStartupFailure(err: unknown): never {
  if (err instanceof ConfigError) process.stderr.write(`Configuration error: ${err.message}\n`);
  else process.stderr.write(`Start-up failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
