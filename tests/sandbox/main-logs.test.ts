import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { startReceiver, type Receiver } from '../support/receiver';
import { waitFor } from '../support/wait';
import { tempDir } from './persistence-support';
import { request } from './sandbox-client';
import { signSorted } from '../../server/latipay';

const ROOT = path.resolve(__dirname, '../..');
const TSX = path.join(ROOT, 'server/node_modules/.bin/tsx');
const KEY = 'main-test-key-Vb27xQ';
const ACCOUNT_ENV = { LATIPAY_USER_ID: 'U000009001', LATIPAY_WALLET_ID: 'W000009001', LATIPAY_API_KEY: KEY };

interface Run {
  child: ChildProcess;
  /** stdout and stderr together, in arrival order. */
  output: () => string;
  stdout: () => string;
  stderr: () => string;
  /** The exit code, once the process (tsx) exited. */
  exited: Promise<number | null>;
  /** The exit code, once the process exited and its output was read to the end. */
  finished: Promise<number | null>;
}

/**
 * `npm run sandbox` without npm: the same entry point, its stdout and stderr captured. Runs
 * in the project root unless `cwd` is given; state in memory unless SANDBOX_DATABASE_PATH is.
 */
function runMain(env: Record<string, string>, cwd = ROOT): Run {
  const child = spawn(TSX, [path.join(ROOT, 'server/sandbox/main.ts')], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', SANDBOX_DATABASE_PATH: ':memory:', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
    stdout += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
    stderr += chunk.toString('utf8');
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const finished = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, output: () => output, stdout: () => stdout, stderr: () => stderr, exited, finished };
}

/**
 * Ends a run that is still going. SIGTERM first: tsx passes it on to the node process it
 * started, whereas a SIGKILL of tsx would leave that one running.
 */
async function stop(run: Run): Promise<void> {
  if (run.child.exitCode !== null || run.child.signalCode !== null) return;
  run.child.kill('SIGTERM');
  const timer = setTimeout(() => run.child.kill('SIGKILL'), 5000);
  await run.exited;
  clearTimeout(timer);
}

/** Waits for the startup line and returns the sandbox's URL. */
function listeningUrl(run: Run): Promise<string> {
  return waitFor(() => /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(run.output())?.[1], {
    timeoutMs: 15000,
    description: 'sandbox startup line',
  });
}

/** The run failed to start the one way it may: exit 1, one `Configuration error:` line on stderr, nothing else. */
async function expectOneConfigurationError(run: Run, line: RegExp): Promise<void> {
  expect(await run.finished).toBe(1);
  expect(run.stdout()).toBe('');
  const lines = run.stderr().split('\n');
  expect(lines).toHaveLength(2);
  expect(lines[1]).toBe('');
  expect(lines[0]).toMatch(/^Configuration error: [A-Z_]+: /);
  expect(lines[0]).toMatch(line);
}

describe('npm run sandbox (server/sandbox/main.ts)', () => {
  let run: Run | undefined;
  let receiver: Receiver | undefined;
  afterEach(async () => {
    if (run) await stop(run);
    await receiver?.close();
    run = undefined;
    receiver = undefined;
  });

  it('logs its requests and notifications, and never the api key', async () => {
    receiver = await startReceiver(() => ({ status: 200, body: 'ok' }));
    run = runMain({ ...ACCOUNT_ENV, SANDBOX_PORT: '0', SANDBOX_RETRY_MS: '20', SANDBOX_MAX_ATTEMPTS: '2' });
    const url = await listeningUrl(run);
    const startup = run.output().split('\n').find((line) => line.includes('listening on')) ?? '';
    expect(startup).toContain('U000009001');
    expect(startup).toContain('W000009001');
    expect(startup).toMatch(/LATIPAY_API_KEY/);
    expect(startup).not.toMatch(/development credentials/);

    // Drive every kind of request, good and bad, so that every log path runs.
    const fields = {
      user_id: 'U000009001',
      wallet_id: 'W000009001',
      amount: '1.00',
      callback_url: `${receiver.url}/notify`,
      merchant_reference: 'log-1',
      ip: '10.0.0.1',
      version: '2.0',
      product_name: 'Logged',
    };
    const createSignature = signSorted(fields, KEY);
    const created = await request('POST', `${url}/v2/minialipay`, { ...fields, signature: createSignature });
    expect(created.json.code).toBe(0);
    await request('POST', `${url}/v2/minialipay`, { ...fields, merchant_reference: 'log-2', signature: 'bad' });
    await request('POST', `${url}/v2/minialipay`, `{"api_key":"${KEY}"`);
    const querySignature = signSorted({ merchant_reference: 'log-1', user_id: 'U000009001' }, KEY);
    await request('GET', `${url}/v2/transaction/log-1?user_id=U000009001&signature=${querySignature}`);
    await request('GET', `${url}/v2/transaction/log-1?user_id=U000009001&signature=nope`);
    await request('POST', `${url}/sandbox/orders/log-1/complete`, { status: 'paid' });
    const refund = { user_id: 'U000009001', order_id: created.json.paydata.orderId, refund_amount: '0.50', reference: 'r' };
    const refundSignature = signSorted(refund, KEY);
    await request('POST', `${url}/refund`, { ...refund, signature: refundSignature });
    await request('POST', `${url}/sandbox/faults`, { endpoint: 'create', kind: 'http_500' });
    await request('POST', `${url}/v2/minialipay`, { ...fields, signature: createSignature });
    await request('POST', `${url}/sandbox/faults`, { bad: true });
    await request('GET', `${url}/nowhere`);
    await waitFor(async () => (await request('GET', `${url}/sandbox/orders/log-1`)).json.order.notifications.length === 2);
    await waitFor(() => run?.output().includes('sandbox notification given up'), { description: 'give-up log line' });

    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    const output = run.output();
    expect(output).toContain('"url":"/v2/minialipay"');
    expect(output).toContain('"url":"/refund"');
    expect(output).toContain('sandbox notification attempt');
    expect(output).not.toContain(KEY);
    // Bodies are not logged either: their signatures do not appear.
    expect(output).not.toContain(createSignature);
    expect(output).not.toContain(refundSignature);
  });

  it('says which variable is wrong in one line and exits 1, without echoing the key', async () => {
    run = runMain({ LATIPAY_API_KEY: KEY, SANDBOX_PORT: '0' });
    await expectOneConfigurationError(run, /^Configuration error: LATIPAY_USER_ID: must be set too when LATIPAY_API_KEY is set/);
    expect(run.output()).not.toContain(KEY);
  });

  it('rejects a bad SANDBOX_RETRY_MS', async () => {
    run = runMain({ SANDBOX_PORT: '0', SANDBOX_RETRY_MS: 'soon' });
    await expectOneConfigurationError(run, /^Configuration error: SANDBOX_RETRY_MS: must be an integer from 1 to 3600000, got "soon"$/);
  });

  it('rejects a bad SANDBOX_PORT', async () => {
    run = runMain({ SANDBOX_PORT: 'http' });
    await expectOneConfigurationError(run, /^Configuration error: SANDBOX_PORT: must be an integer from 0 to 65535, got "http"$/);
  });

  it('names SANDBOX_PORT when the port is already in use, and prints nothing else', async () => {
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const { port } = holder.address() as net.AddressInfo;
    try {
      run = runMain({ SANDBOX_PORT: String(port) });
      await expectOneConfigurationError(run, new RegExp(`^Configuration error: SANDBOX_PORT: port ${port} is already in use on 127\\.0\\.0\\.1$`));
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });

  it('names SANDBOX_DATABASE_PATH when the file cannot be opened', async () => {
    const temp = tempDir();
    try {
      writeFileSync(path.join(temp.dir, 'plain-file'), 'not a folder');
      run = runMain({ SANDBOX_PORT: '0', SANDBOX_DATABASE_PATH: 'plain-file/sandbox.sqlite' }, temp.dir);
      await expectOneConfigurationError(run, /^Configuration error: SANDBOX_DATABASE_PATH: cannot open the SQLite file ".*plain-file\/sandbox\.sqlite"/);
    } finally {
      temp.remove();
    }
  });

  it('trims values with surrounding spaces, and with :memory: writes no file', async () => {
    const temp = tempDir();
    try {
      run = runMain(
        {
          LATIPAY_USER_ID: ' U000009001 ',
          LATIPAY_WALLET_ID: 'W000009001  ',
          LATIPAY_API_KEY: `  ${KEY}`,
          LATIPAY_CURRENCY: ' AUD ',
          SANDBOX_PORT: ' 0 ',
          SANDBOX_HOST: ' 127.0.0.1 ',
          SANDBOX_RETRY_MS: ' 20 ',
          SANDBOX_DATABASE_PATH: ' :memory: ',
        },
        temp.dir,
      );
      const url = await listeningUrl(run);
      expect(run.output()).toMatch(/user U000009001, wallet W000009001, AUD; credentials from .*; state in memory only\)/);
      const signature = signSorted({ merchant_reference: 'none', user_id: 'U000009001' }, KEY);
      const answer = await request('GET', `${url}/v2/transaction/none?user_id=U000009001&signature=${signature}`);
      expect(answer.json.code).toBe(201);
      run.child.kill('SIGTERM');
      expect(await run.exited).toBe(0);
      expect(readdirSync(temp.dir)).toEqual([]);
    } finally {
      temp.remove();
    }
  });

  it('keeps its orders in SANDBOX_DATABASE_PATH (relative to the working directory) across a restart', async () => {
    const temp = tempDir();
    try {
      const env = { ...ACCOUNT_ENV, SANDBOX_PORT: '0', SANDBOX_DATABASE_PATH: 'state/sandbox.sqlite' };
      run = runMain(env, temp.dir);
      let url = await listeningUrl(run);
      const file = path.join(temp.dir, 'state', 'sandbox.sqlite');
      expect(run.output()).toContain(`state in ${file})`);
      const fields = {
        user_id: 'U000009001',
        wallet_id: 'W000009001',
        amount: '3.20',
        callback_url: 'http://127.0.0.1:9/notify',
        merchant_reference: 'kept-1',
        ip: '10.0.0.1',
        version: '2.0',
        product_name: 'Kept',
      };
      expect((await request('POST', `${url}/v2/minialipay`, { ...fields, signature: signSorted(fields, KEY) })).json.code).toBe(0);
      run.child.kill('SIGTERM');
      expect(await run.exited).toBe(0);
      expect(existsSync(file)).toBe(true);

      run = runMain(env, temp.dir);
      url = await listeningUrl(run);
      const signature = signSorted({ merchant_reference: 'kept-1', user_id: 'U000009001' }, KEY);
      const query = await request('GET', `${url}/v2/transaction/kept-1?user_id=U000009001&signature=${signature}`);
      expect(query.json).toMatchObject({ code: 0, status: 'pending', merchant_reference: 'kept-1' });
      expect(query.text).toContain('"amount":3.20');
    } finally {
      if (run) await stop(run);
      temp.remove();
    }
  });
});
