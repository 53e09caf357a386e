/** `npm run sandbox`: the Latipay sandbox on its own port. */
import { sandboxOptionsFromEnv, startSandbox, usesDevCredentials, type SandboxOptions } from './index';

function listenAddress(env: NodeJS.ProcessEnv): { port: number; host: string } {
  const rawPort = env.SANDBOX_PORT || '4100';
  if (!/^\d{1,5}$/.test(rawPort) || Number(rawPort) > 65535) throw new Error('SANDBOX_PORT must be a port number from 0 to 65535');
  const host = env.SANDBOX_HOST || '127.0.0.1';
  return { port: Number(rawPort), host };
}

async function main(): Promise<void> {
  let opts: SandboxOptions;
  let address: { port: number; host: string };
  try {
    opts = sandboxOptionsFromEnv(process.env);
    address = listenAddress(process.env);
  } catch (err) {
    console.error(`Latipay sandbox not started: ${(err as Error).message}`);
    process.exit(1);
  }
  const sandbox = await startSandbox({ ...opts, ...address, logger: true });
  const credentials = usesDevCredentials(opts)
    ? 'development credentials'
    : 'credentials from LATIPAY_USER_ID, LATIPAY_WALLET_ID, LATIPAY_API_KEY';
  console.log(
    `Latipay sandbox listening on ${sandbox.url} (user ${opts.userId}, wallet ${opts.walletId}, ${opts.currency}; ${credentials})`,
  );
  const stop = () => {
    sandbox.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: Error & { code?: string }) => {
  // Listen errors (port in use) carry no secret; anything else is reported by its kind only.
  console.error(`Latipay sandbox failed: ${err.code === 'EADDRINUSE' ? 'the port is already in use (set SANDBOX_PORT)' : err.message}`);
  process.exit(1);
});
