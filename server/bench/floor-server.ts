/**
 * The floor for the order-creation benchmark: a bare node:http server with no framework,
 * validation or storage that makes the same signed Latipay call as POST /api/orders and
 * returns Latipay's answer, through the same HTTP transport as the merchant server. Anything
 * our server costs beyond this is our overhead.
 */
import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import { LatipayTransport } from '../app/latipay/transport';
import { signSorted } from '../latipay';

const port = Number(process.env.PORT ?? 0);
const upstream = process.env.LATIPAY_BASE_URL!;
const userId = process.env.LATIPAY_USER_ID!;
const walletId = process.env.LATIPAY_WALLET_ID!;
const apiKey = process.env.LATIPAY_API_KEY!;

const transport = new LatipayTransport();

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', async () => {
    if (req.url === '/healthz') {
      res.writeHead(200).end('ok');
      return;
    }
    const order = {
      user_id: userId,
      wallet_id: walletId,
      amount: '0.01',
      callback_url: 'http://127.0.0.1/api/latipay/notify',
      merchant_reference: 'F' + randomBytes(12).toString('hex'),
      ip: '127.0.0.1',
      version: '2.0',
      product_name: 'Bench',
    };
    try {
      const answer = await transport.request(`${upstream}/v2/minialipay`, {
        method: 'POST',
        headers: { 'content-type': 'application/json;charset=UTF-8' },
        body: JSON.stringify({ ...order, signature: signSorted(order, apiKey) }),
        timeoutMs: 10_000,
      });
      res.writeHead(201, { 'content-type': 'application/json' }).end(answer.text);
    } catch {
      res.writeHead(502).end();
    }
  });
});

server.listen(port, '127.0.0.1', () => {
  console.log(`floor listening on ${JSON.stringify(server.address())}`);
});

// Exits normally on SIGTERM, so that a `--cpu-prof` profile is written.
process.once('SIGTERM', () => server.close(() => process.exit(0)));
