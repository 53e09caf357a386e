import { ConfigError, loadConfig } from './app/config';
import { startServer } from './app/start-server';

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

main().catch((err: unknown) => {
  if (err instanceof ConfigError) console.error(`Configuration error: ${err.message}`);
  else console.error(`Start-up failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
