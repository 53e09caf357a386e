import { connectionsCheckingInterval } from '../../server/http-server/transport';
import { startSandbox, type RunningSandbox } from '../../server/sandbox';
import { startTestServer, type TestServer } from '../support/server';
import { connect, destroyAll, exchange } from './raw-client';

/** REQUEST_TIMEOUT_MS in these tests, and the most Node may take past it (its check runs every 250 ms). */
const TIMEOUT_MS = 500;
const LATEST_MS = TIMEOUT_MS + connectionsCheckingInterval(TIMEOUT_MS) + 500;
const HOST = 'Host: 127.0.0.1\r\n';
const NOTIFY_HEADERS = `POST /api/latipay/notify HTTP/1.1\r\n${HOST}Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\n`;

afterEach(destroyAll);

function expectTimeoutAnswer(result: Awaited<ReturnType<typeof exchange>>): void {
  expect(result.responses.map((r) => r.status)).toEqual([408]);
  expect(JSON.parse(result.responses[0].body).error.code).toBe('request_timeout');
  expect(result.closedByServer).toBe(true);
  expect(result.ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
  expect(result.ms).toBeLessThan(LATEST_MS);
}

describe('REQUEST_TIMEOUT_MS=500 on the backend', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { REQUEST_TIMEOUT_MS: String(TIMEOUT_MS) } });
  });
  afterAll(() => server.close());

  it('a body that never finishes gets 408 request_timeout', async () => {
    expectTimeoutAnswer(await exchange(server.url, `${NOTIFY_HEADERS}merchant_reference=M`, 5000));
  });

  it('a body that keeps trickling in gets 408 too: the timeout bounds the whole request, not each pause', async () => {
    const parts = [NOTIFY_HEADERS, ...Array.from({ length: 20 }, () => 'a')];
    expectTimeoutAnswer(await exchange(server.url, parts, 5000, 100));
  });

  it('headers that never finish get 408 request_timeout', async () => {
    expectTimeoutAnswer(await exchange(server.url, `GET /healthz HTTP/1.1\r\n${HOST}X-Slow: 1`, 5000));
  });

  it('headers trickled a byte at a time get 408 as well', async () => {
    const text = `GET /healthz HTTP/1.1\r\n${HOST}X-Padding: ${'p'.repeat(40)}\r\n\r\n`;
    expectTimeoutAnswer(await exchange(server.url, text.split(''), 5000, 50));
  });

  it('a connection that never sends anything gets 408 and is closed', async () => {
    const socket = await connect(server.url);
    const started = performance.now();
    let received = '';
    socket.on('data', (chunk) => (received += chunk.toString('latin1')));
    await new Promise((resolve) => socket.once('close', resolve));
    expect(performance.now() - started).toBeLessThan(LATEST_MS);
    expect(received).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('does not cut a request that has arrived and takes longer to answer (a slow Latipay)', async () => {
    const faults = await fetch(`${server.sandboxUrl}/sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ endpoint: 'query', kind: 'delay', delayMs: 3 * TIMEOUT_MS }),
    });
    expect(faults.status).toBe(200);
    const started = performance.now();
    const answer = await fetch(`${server.sandboxUrl}/v2/transaction/Munknown?user_id=x&signature=x`);
    expect(answer.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(3 * TIMEOUT_MS - 50);
  });
});

describe('the standalone sandbox', () => {
  let sandbox: RunningSandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ requestTimeoutMs: TIMEOUT_MS });
  });
  afterAll(() => sandbox.close());

  it('answers a body that never finishes with 408 request_timeout', async () => {
    const request = `POST /sandbox/faults HTTP/1.1\r\n${HOST}Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"endpoint":`;
    expectTimeoutAnswer(await exchange(sandbox.url, request, 5000));
  });
});

describe('connectionsCheckingInterval', () => {
  it('checks at most every second and at least twice per timeout', () => {
    expect(connectionsCheckingInterval(30_000)).toBe(1000);
    expect(connectionsCheckingInterval(1500)).toBe(750);
    expect(connectionsCheckingInterval(100)).toBe(50);
  });
});
