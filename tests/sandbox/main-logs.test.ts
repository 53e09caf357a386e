import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { startReceiver, type Receiver } from '../support/receiver';
import { waitFor } from '../support/wait';
import { request } from './sandbox-client';
import { signSorted } from '../../server/latipay';

const ROOT = path.resolve(__dirname, '../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
const KEY = 'main-test-key-Vb27xQ';
const ACCOUNT_ENV = { LATIPAY_USER_ID: 'U000009001', LATIPAY_WALLET_ID: 'W000009001', LATIPAY_API_KEY: KEY };

interface Run {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** `npm run sandbox` without npm: the same entry point, its stdout and stderr captured together. */
function runMain(env: Record<string, string>): Run {
  const child = spawn(TSX, ['server/sandbox/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

describe('npm run sandbox (server/sandbox/main.ts)', () => {
  let run: Run | undefined;
  let receiver: Receiver | undefined;
  afterEach(async () => {
    if (run && run.child.exitCode === null) {
      run.child.kill('SIGKILL');
      await run.exited;
    }
    await receiver?.close();
    run = undefined;
    receiver = undefined;
  });

  it('logs its requests and notifications, and never the api key', async () => {
    receiver = await startReceiver(() => ({ status: 200, body: 'ok' }));
    run = runMain({ ...ACCOUNT_ENV, SANDBOX_PORT: '0', SANDBOX_RETRY_MS: '20', SANDBOX_MAX_ATTEMPTS: '2' });
    const current = run;
    const url = await waitFor(() => /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(current.output())?.[1], {
      timeoutMs: 15000,
      description: 'sandbox startup line',
    });
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
    expect(await run.exited).toBe(1);
    const lines = run.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/LATIPAY_USER_ID/);
    expect(run.output()).not.toContain(KEY);
  });

  it('rejects a bad SANDBOX_PORT', async () => {
    run = runMain({ SANDBOX_PORT: 'http' });
    expect(await run.exited).toBe(1);
    expect(run.output().trim()).toMatch(/^Latipay sandbox not started: SANDBOX_PORT/);
  });
});
