import { loadConfig } from './app/config/config';
import { startServer } from './app/server';
import { exitOnStartupFailure } from './env/startup-failure';

/** `npm start`: the merchant backend. A bad setting stops start-up with one line naming it. */
async function main(): Promise<void> {
  const server = await startServer(loadConfig(process.env));
  const stop = () => {
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch(exitOnStartupFailure);
