/** `npm run sandbox`: the Latipay sandbox on its own port, keeping its state in SANDBOX_DATABASE_PATH. */
import { listenError } from '../env/listen-error';
import { ConfigError, integer, token, type Env } from '../env/parsers';
import { exitOnStartupFailure } from '../env/startup-failure';
import {
  sandboxDatabasePathFromEnv,
  sandboxOptionsFromEnv,
  startSandbox,
  usesDevCredentials,
  type RunningSandbox,
  type SandboxOptions,
} from './index';
import { LogGate } from './log-gate';
import { SandboxDatabaseError, isInMemory } from './store';

interface Settings {
  options: SandboxOptions & { databasePath: string };
  port: number;
  host: string;
}

/** Every setting, read through the parsers the backend uses; throws ConfigError naming the variable. */
function settingsFromEnv(env: Env): Settings {
  return {
    options: { ...sandboxOptionsFromEnv(env), databasePath: sandboxDatabasePathFromEnv(env) },
    port: integer(env, 'SANDBOX_PORT', 4100, 0, 65535),
    host: token(env, 'SANDBOX_HOST') ?? '127.0.0.1',
  };
}

/** A failure to start, as the setting to fix when there is one. */
function startupError(err: unknown, { port, host }: Settings): unknown {
  if (err instanceof SandboxDatabaseError) return new ConfigError('SANDBOX_DATABASE_PATH', err.message);
  return listenError(err, { host, port, names: { host: 'SANDBOX_HOST', port: 'SANDBOX_PORT' } });
}

async function main(): Promise<void> {
  // Log lines wait until the sandbox listens: a failed start prints its one line only.
  const logs = new LogGate(process.stdout);
  let settings: Settings | undefined;
  let sandbox: RunningSandbox;
  try {
    settings = settingsFromEnv(process.env);
    sandbox = await startSandbox({ ...settings.options, port: settings.port, host: settings.host, logger: true, logStream: logs });
  } catch (err) {
    exitOnStartupFailure(settings ? startupError(err, settings) : err);
  }
  logs.open();
  const { options } = settings;
  const credentials = usesDevCredentials(options)
    ? 'development credentials'
    : 'credentials from LATIPAY_USER_ID, LATIPAY_WALLET_ID, LATIPAY_API_KEY';
  const state = isInMemory(options.databasePath) ? 'state in memory only' : `state in ${options.databasePath}`;
  const account = `user ${options.userId}, wallet ${options.walletId}, ${options.currency}`;
  console.log(`Latipay sandbox listening on ${sandbox.url} (${account}; ${credentials}; ${state})`);
  const stop = () => {
    sandbox.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch(exitOnStartupFailure);
