import { loadConfig } from './app/config/config';
import { startServer } from './app/server';
import { exitOnStartupFailure } from './env/startup-failure';

/** Past SHUTDOWN_TIMEOUT_MS, how long closing the database and the sandbox may still take. */
const EXIT_GRACE_MS = 5000;

/** `npm start`: the merchant backend. A bad setting stops start-up with one line naming it. */
async function main(): Promise<void> {
  const server = await startServer(loadConfig(process.env));
  const stop = () => {
    // close() waits at most SHUTDOWN_TIMEOUT_MS for requests in progress; should closing
    // itself hang after that, the process still ends.
    setTimeout(() => process.exit(1), server.config.shutdownTimeoutMs + EXIT_GRACE_MS).unref();
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch(exitOnStartupFailure);
