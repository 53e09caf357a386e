/** The merchant backend as its own process (`server/main.ts` under tsx), as a deployment runs it. */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { waitFor } from './wait';

const ROOT = path.resolve(__dirname, '..', '..');
const SERVER = path.join(ROOT, 'server');

export interface BackendProcess {
  url: string;
  child: ChildProcess;
  /** Everything it wrote, for a failing test's message. */
  output(): string;
  /** SIGKILL: no shutdown, connections cut mid-request. */
  kill9(): Promise<void>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Starts server/main.ts with exactly `env` (plus PATH), and waits until /healthz answers. */
export async function startBackendProcess(env: Record<string, string>): Promise<BackendProcess> {
  const port = await freePort();
  // `node --import tsx`, not the tsx command: that one runs the server in a child process of its
  // own, which a SIGKILL of the command would leave running. In server/, where tsx is installed.
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(SERVER, 'main.ts')], {
    cwd: SERVER,
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`the backend exited (${child.exitCode}): ${output}`);
        const res = await fetch(`${url}/healthz`).catch(() => null);
        return res?.status === 200 ? true : undefined;
      },
      { description: 'the backend process to answer /healthz', timeoutMs: 20_000 },
    );
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return {
    url,
    child,
    output: () => output,
    async kill9() {
      child.kill('SIGKILL');
      await exited(child);
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await exited(child);
    },
  };
}
