import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpTimeoutError, LatipayTransport } from '../../server/app/latipay/transport';

let server: Server;
let url: string;
const transport = new LatipayTransport();
const connections = new Set<number>();

beforeAll(async () => {
  server = createServer((req, res) => {
    connections.add((req.socket.remotePort ?? 0));
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      if (req.url === '/echo') res.end(JSON.stringify({ method: req.method, type: req.headers['content-type'], length: req.headers['content-length'], body }));
      else if (req.url === '/big') res.end('x'.repeat(1024 * 1024 + 1));
      else if (req.url === '/slow') setTimeout(() => res.end('late'), 300);
      else res.writeHead(404).end('nope');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  transport.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('LatipayTransport', () => {
  it('sends the body with its length and answers status and text', async () => {
    const body = JSON.stringify({ amount: '0.01', name: 'Pinot Noir, Otago ✓' });
    const answer = await transport.request(`${url}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, timeoutMs: 2000 });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({ method: 'POST', type: 'application/json', length: String(Buffer.byteLength(body)), body });
  });

  it('answers HTTP errors as answers, not failures', async () => {
    expect(await transport.request(`${url}/missing`, { method: 'GET', timeoutMs: 2000 })).toEqual({ status: 404, text: 'nope' });
  });

  it('keeps the connection alive between calls', async () => {
    connections.clear();
    for (let i = 0; i < 3; i++) await transport.request(`${url}/echo`, { method: 'GET', timeoutMs: 2000 });
    expect(connections.size).toBe(1);
  });

  it('gives up after the timeout with HttpTimeoutError', async () => {
    await expect(transport.request(`${url}/slow`, { method: 'GET', timeoutMs: 50 })).rejects.toBeInstanceOf(HttpTimeoutError);
  });

  it('refuses an answer over 1 MiB', async () => {
    await expect(transport.request(`${url}/big`, { method: 'GET', timeoutMs: 2000 })).rejects.toThrow('answer too large');
  });

  it('keeps the error code of a refused connection', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(transport.request(`http://127.0.0.1:${port}/`, { method: 'GET', timeoutMs: 2000 })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
