import { startTestServer, type TestServer } from '../support/server';
import { connect, destroyAll, exchange, get, healthzLatency, parseResponses } from './raw-client';

afterEach(destroyAll);

describe('MAX_PIPELINED_REQUESTS=4', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { MAX_PIPELINED_REQUESTS: '4', REQUEST_TIMEOUT_MS: '500' } });
  });
  afterAll(() => server.close());

  it('answers every request of a packet within the limit, in order, and keeps the connection', async () => {
    const result = await exchange(server.url, get('/healthz').repeat(3) + get('/api/products'), 400);
    expect(result.responses.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(JSON.parse(result.responses[3].body).products).toEqual(expect.any(Array));
    expect(result.closedByServer).toBe(false);
  });

  it('closes the connection at the first request past the limit, without answering', async () => {
    const result = await exchange(server.url, get('/healthz').repeat(5), 2000);
    expect(result.closedByServer).toBe(true);
    expect(result.responses.length).toBeLessThan(5);
    expect(result.ms).toBeLessThan(1000);
  });

  it('counts requests in progress: bursts of 4 whose answers have arrived may follow one another', async () => {
    const socket = await connect(server.url);
    let received = '';
    socket.on('data', (chunk) => (received += chunk.toString('latin1')));
    for (let burst = 1; burst <= 3; burst++) {
      socket.write(get('/healthz').repeat(4));
      const deadline = Date.now() + 2000;
      while (parseResponses(received).length < burst * 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    }
    expect(parseResponses(received).map((r) => r.status)).toEqual(Array(12).fill(200));
    expect(socket.destroyed).toBe(false);
  });

  it('closes a client that writes pipelined requests and never reads, instead of buffering its answers', async () => {
    const socket = await connect(server.url);
    socket.pause();
    socket.on('error', () => undefined);
    // Paused, the socket still takes in up to its high-water mark (16 KiB) and sees the server's FIN or reset.
    const closed = new Promise<string>((resolve) => socket.once('close', () => resolve('closed')));
    const batch = get('/api/products').repeat(100);
    let writes = 0;
    const writer = setInterval(() => {
      if (socket.destroyed || writes >= 50) return clearInterval(writer);
      writes += 1;
      socket.write(batch);
    }, 10);
    const code = await Promise.race([closed, new Promise<string>((r) => setTimeout(() => r('still open'), 3000))]);
    clearInterval(writer);
    expect(code).toBe('closed');
    expect(writes).toBeLessThan(50);
  });

  it('keeps /healthz from another client fast while 1,000 pipelined requests arrive in one packet', async () => {
    const flood = get('/api/products').repeat(1000);
    const worst: number[] = [];
    // The first round warms the JIT up; the next five are measured.
    for (let round = 0; round < 6; round++) {
      const attacker = await connect(server.url);
      attacker.on('error', () => undefined);
      attacker.resume();
      const gone = new Promise((resolve) => attacker.once('close', resolve));
      attacker.write(flood);
      const delayed = (ms: number) => new Promise((r) => setTimeout(r, ms)).then(() => healthzLatency(server.url));
      const latencies = await Promise.all([healthzLatency(server.url), delayed(10), delayed(30)]);
      await gone;
      if (round > 0) worst.push(Math.max(...latencies));
    }
    expect(Math.max(...worst)).toBeLessThan(100);
  });
});

describe('MAX_PIPELINED_REQUESTS unset', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('allows 16 requests in progress per connection', async () => {
    const within = await exchange(server.url, get('/healthz').repeat(16), 400);
    expect(within.responses).toHaveLength(16);
    expect(within.closedByServer).toBe(false);
    const past = await exchange(server.url, get('/healthz').repeat(17), 2000);
    expect(past.closedByServer).toBe(true);
    expect(past.responses.length).toBeLessThan(17);
  });
});
