/**
 * A throwaway PostgreSQL cluster on this machine (Debian's postgresql package): initdb in a
 * temporary folder, `postgres` on 127.0.0.1 and a free port. Used by the tests' jest globalSetup
 * (tests/support/postgres-cluster.ts) and by `BENCH_POSTGRES=1 npm run bench`.
 *
 * Only Node's own modules: jest's main process loads it through plain Node require.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** Where Debian's postgresql-<version> packages put the server binaries: <root>/<version>/bin. */
export const DEBIAN_POSTGRES_ROOT = '/usr/lib/postgresql';

const INSTALL_HINT =
  "install Debian's `postgresql` package (apt-get install -y postgresql), or point the tests (TEST_DATABASE_URL) " +
  'or the bench (BENCH_POSTGRES_URL) at a PostgreSQL server whose role may CREATE DATABASE';

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The bin folder of the highest PostgreSQL version installed the Debian way. */
export function findPostgresBin(root = DEBIAN_POSTGRES_ROOT): string {
  let versions: string[] = [];
  try {
    versions = fs.readdirSync(root);
  } catch {
    // no PostgreSQL at all
  }
  const usable = versions
    .filter((version) => /^\d+(\.\d+)?$/.test(version))
    .filter((version) =>
      ['initdb', 'postgres', 'pg_isready'].every((name) => isExecutable(path.join(root, version, 'bin', name))),
    )
    .sort((a, b) => Number(b) - Number(a));
  if (usable.length === 0) {
    throw new Error(`PostgreSQL server binaries (initdb, postgres) not found in ${root}/<version>/bin: ${INSTALL_HINT}`);
  }
  return path.join(root, usable[0], 'bin');
}

/** The uid/gid to run initdb and postgres as: they refuse to run as root. */
interface RunAs {
  uid?: number;
  gid?: number;
}

function postgresUser(): RunAs {
  if (process.getuid?.() !== 0) return {}; // an ordinary user runs them as itself
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    throw new Error(`Running as root, but there is no \`postgres\` user to run initdb and postgres as: ${INSTALL_HINT}`);
  }
}

/** A port free on 127.0.0.1 right now (postgres may still lose a race for it: startCluster retries). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function tail(file: string, bytes = 4000): string {
  try {
    const text = fs.readFileSync(file, 'utf8');
    return text.length > bytes ? `…${text.slice(-bytes)}` : text;
  } catch {
    return '';
  }
}

/** Runs a program to its end as `user`; rejects with its output when it fails. */
function run(program: string, args: string[], user: RunAs, cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(program, args, { ...user, cwd, env: { ...process.env, LC_ALL: 'C' } }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${path.basename(program)} failed: ${error.message}\n${stdout}${stderr}`));
      else resolve();
    });
  });
}

/** True once `pg_isready` says the server accepts connections. */
function isReady(bin: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    execFile(
      path.join(bin, 'pg_isready'),
      ['-q', '-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-t', '1'],
      (error) => resolve(!error),
    );
  });
}

export interface PostgresCluster {
  /** postgres://postgres@127.0.0.1:<port>/postgres (trust authentication). */
  url: string;
  port: number;
  /** The temporary folder: data/ (the cluster), postgres.log, and the Unix socket. */
  dir: string;
  /** Fast shutdown (SIGINT), waits for the server to exit, removes the folder. */
  stop(): Promise<void>;
}

const STARTUP_TIMEOUT_MS = 30_000;
const SHUTDOWN_TIMEOUT_MS = 15_000;

/**
 * Starts a throwaway cluster. initdb and postgres are spawned with the postgres user's uid/gid
 * when running as root (the same as `runuser -u postgres --`, but without runuser in between:
 * runuser does not pass SIGINT on to its child, so the fast shutdown would never arrive).
 */
export async function startCluster(options: { bin?: string; durable?: boolean } = {}): Promise<PostgresCluster> {
  const bin = options.bin ?? findPostgresBin();
  const user = postgresUser();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'latipay-pg-'));
  try {
    if (user.uid !== undefined) fs.chownSync(dir, user.uid, user.gid ?? -1);
    const data = path.join(dir, 'data');
    // UTF8 and the C locale whatever the environment's locale is (without a UTF-8 locale in the
    // environment initdb would pick SQL_ASCII).
    await run(
      path.join(bin, 'initdb'),
      ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale=C'],
      user,
      dir,
    );
    for (let attempt = 1; ; attempt++) {
      try {
        return await startServer(bin, user, dir, data, await freePort(), options.durable ?? false);
      } catch (error) {
        // Another process took the port between freePort() and postgres' bind: try another.
        const lostPortRace = error instanceof PortInUse;
        if (!lostPortRace || attempt >= 3) throw error;
      }
    }
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

class PortInUse extends Error {}

async function startServer(bin: string, user: RunAs, dir: string, data: string, port: number, durable: boolean): Promise<PostgresCluster> {
  // Tests need no durability; a benchmark measures the server as a shop would run it (fsync on).
  const durability = durable ? [] : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'];
  const logFile = path.join(dir, 'postgres.log');
  const log = fs.openSync(logFile, 'w');
  let child: ChildProcess;
  try {
    // prettier-ignore
    child = spawn(path.join(bin, 'postgres'), [
      '-D', data, '-p', String(port), '-k', dir,
      '-c', 'listen_addresses=127.0.0.1',
      ...durability,
      '-c', 'max_connections=300',
    ], { ...user, cwd: dir, stdio: ['ignore', log, log], env: { ...process.env, LC_ALL: 'C' } });
  } finally {
    fs.closeSync(log); // the child has its own copy
  }
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve()); // spawn failed: no 'exit' follows
  });
  const running = () => child.exitCode === null && child.signalCode === null;
  // If jest's process ends without the teardown (a crash, process.exit), do not leave the
  // server running. (Ctrl+C reaches postgres itself: it is in jest's process group.)
  const killOnExit = () => {
    if (running()) child.kill('SIGINT');
  };
  process.once('exit', killOnExit);

  const stopServer = async () => {
    process.removeListener('exit', killOnExit);
    if (running()) {
      child.kill('SIGINT'); // fast shutdown: disconnects clients, rolls back, exits
      const timer = setTimeout(() => running() && child.kill('SIGQUIT'), SHUTDOWN_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    }
  };

  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  let spawnError: Error | undefined;
  child.once('error', (error) => (spawnError = error));
  for (;;) {
    if (spawnError) throw new Error(`Could not start ${path.join(bin, 'postgres')}: ${spawnError.message}`);
    if (!running()) {
      await stopServer();
      const output = tail(logFile);
      if (/could not bind|address already in use/i.test(output)) throw new PortInUse(output);
      throw new Error(`postgres exited while starting (port ${port}):\n${output}`);
    }
    if (await isReady(bin, port)) break;
    if (Date.now() > deadline) {
      await stopServer();
      throw new Error(`postgres did not accept connections within ${STARTUP_TIMEOUT_MS} ms:\n${tail(logFile)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }

  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    dir,
    async stop() {
      await stopServer();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

