import path from 'node:path';
import { optional, type Env } from '../env/parsers';
import { IN_MEMORY } from './store';

/** The folder holding package.json. */
const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

/** Where `npm run sandbox` keeps its state when SANDBOX_DATABASE_PATH is unset. */
export const DEFAULT_SANDBOX_DATABASE_PATH = path.join(PROJECT_ROOT, 'data', 'sandbox.sqlite');

/**
 * SANDBOX_DATABASE_PATH as an absolute path: relative to `cwd` when relative, `fallback` when
 * unset (for `npm run sandbox`, data/sandbox.sqlite under the project root); `:memory:` is
 * kept as is (in memory, nothing written to disk).
 */
export function sandboxDatabasePathFromEnv(
  env: Env,
  cwd: string = process.cwd(),
  fallback: string = DEFAULT_SANDBOX_DATABASE_PATH,
): string {
  const value = optional(env, 'SANDBOX_DATABASE_PATH');
  if (value === undefined) return fallback;
  return value === IN_MEMORY ? IN_MEMORY : path.resolve(cwd, value);
}

/**
 * The file for a sandbox the merchant backend mounts in-process: beside the backend's own
 * database, named after it (data/shop.sqlite → data/shop-sandbox.sqlite), so that each
 * backend database has its own Latipay and never shares the standalone sandbox's file. A
 * backend database in memory gives a sandbox in memory. With SANDBOX_DATABASE_PATH honoured:
 * `sandboxDatabasePathFromEnv(env, cwd, inProcessSandboxDatabasePath(databasePath))`.
 */
export function inProcessSandboxDatabasePath(backendDatabasePath: string): string {
  if (backendDatabasePath === IN_MEMORY) return IN_MEMORY;
  const { dir, name } = path.parse(backendDatabasePath);
  return path.join(dir, `${name}-sandbox.sqlite`);
}
