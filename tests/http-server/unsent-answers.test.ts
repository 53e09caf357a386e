import type { ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { transportOptions } from '../../server/http-server/transport';
import { connect, destroyAll, get } from './raw-client';

/**
 * What the server holds for a client that sends requests and never reads the answers: Node
 * stops reading a connection whose answers are not being read, and past MAX_PIPELINED_REQUESTS
 * requests in progress the connection is closed, so at most that many answers are buffered.
 */
/** Big enough that a few fill what the kernel buffers for a connection that is not read. */
const ANSWER = Buffer.alloc(1024 * 1024, 'a');
const LIMIT = 4;
const CAP = LIMIT * (ANSWER.length + 1024);

let app: FastifyInstance;
let url: string;
const answering = new Set<ServerResponse>();
let requestsTaken = 0;
/** The server's side of the latest connection. */
let serverSide: Socket | undefined;

/** Bytes of answers in progress not yet handed to the kernel: queued in responses or in the socket. */
function unsentBytes(): number {
  let total = 0;
  for (const response of answering) if (!response.destroyed) total += response.writableLength;
  return total;
}

beforeAll(async () => {
  app = Fastify({ ...transportOptions({ requestTimeoutMs: 5000, maxPipelinedRequests: LIMIT }) });
  app.get('/big', async (request, reply) => {
    requestsTaken += 1;
    answering.add(reply.raw);
    reply.raw.once('close', () => answering.delete(reply.raw));
    request.socket.once('close', () => answering.delete(reply.raw));
    return reply.type('application/octet-stream').send(ANSWER);
  });
  app.server.on('connection', (socket: Socket) => (serverSide = socket));
  await app.listen({ port: 0, host: '127.0.0.1' });
  url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
});
afterAll(() => app.close());
afterEach(destroyAll);

/** Runs `send` on a connection that never reads, sampling unsentBytes() for `ms`; returns the peak and whether the server closed it. */
async function neverReading(send: (write: (text: string) => void) => void, ms: number): Promise<{ peak: number; closed: boolean }> {
  requestsTaken = 0;
  const socket = await connect(url);
  socket.pause();
  socket.on('error', () => undefined);
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, unsentBytes())), 2);
  send((text) => !socket.destroyed && socket.write(text));
  await new Promise((resolve) => setTimeout(resolve, ms));
  clearInterval(sampler);
  const closed = serverSide?.destroyed ?? false;
  socket.destroy();
  return { peak, closed };
}

it('one request at a time: the server stops reading, holding at most MAX_PIPELINED_REQUESTS answers', async () => {
  const { peak } = await neverReading((write) => {
    let sent = 0;
    const timer = setInterval(() => (++sent > 40 ? clearInterval(timer) : write(get('/big'))), 20);
  }, 1500);
  // Answers did pile up (the kernel's buffers were full), and the server stopped taking requests.
  expect(peak).toBeGreaterThan(0);
  expect(peak).toBeLessThanOrEqual(CAP);
  expect(requestsTaken).toBeLessThan(40);
});

it('80 requests in one packet: the connection is closed at the 5th, not 80 answers buffered', async () => {
  const { peak, closed } = await neverReading((write) => write(get('/big').repeat(80)), 500);
  expect(closed).toBe(true);
  expect(requestsTaken).toBeLessThanOrEqual(LIMIT);
  expect(peak).toBeLessThanOrEqual(CAP);
});
