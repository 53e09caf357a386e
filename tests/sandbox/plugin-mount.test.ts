import type { AddressInfo } from 'node:net';
import formbody from '@fastify/formbody';
import Fastify, { type FastifyInstance } from 'fastify';
import { verifyPaymentResult } from '../../server/latipay';
import { sandboxPlugin } from '../../server/sandbox';
import { startReceiver, type Receiver } from '../support/receiver';
import { waitFor } from '../support/wait';
import { ACCOUNT, complete, createOrder, orderState, queryUrl, request } from './sandbox-client';

let host: FastifyInstance;
let hostUrl: string;
let base: string;
let receiver: Receiver;

beforeAll(async () => {
  receiver = await startReceiver();
  host = Fastify();
  await host.register(formbody);
  host.setErrorHandler((_error, _request, reply) => reply.code(418).send({ host: 'error handler' }));
  host.post('/host/echo', async (request) => ({ echoed: request.body }));
  host.get('/host/boom', async () => {
    throw new Error('boom');
  });
  await host.register(sandboxPlugin, { ...ACCOUNT, retryMs: 50, maxAttempts: 3, prefix: '/latipay-sandbox' });
  await host.listen({ port: 0, host: '127.0.0.1' });
  hostUrl = `http://127.0.0.1:${(host.server.address() as AddressInfo).port}`;
  base = `${hostUrl}/latipay-sandbox`;
});
afterAll(async () => {
  await host.close();
  await receiver.close();
});

describe('sandboxPlugin mounted under a prefix in a host app', () => {
  it('serves create, complete with notification, query and the control API under the prefix', async () => {
    const { reference } = await createOrder(base, `${receiver.url}/notify`, { amount: '4.20' });
    expect((await complete(base, reference)).status).toBe(200);
    const [notification] = await waitFor(() => receiver.requests.length === 1 && receiver.requests);
    expect(verifyPaymentResult(notification.form as never, notification.form.signature, ACCOUNT.apiKey)).toBe(true);
    const query = await request('GET', queryUrl(base, reference));
    expect(query.json).toMatchObject({ code: 0, status: 'paid' });
    expect(query.text).toContain('"amount":4.20');
    expect((await orderState(base, reference)).status).toBe('paid');
    expect((await request('GET', `${base}/sandbox/stats`)).json.calls).toEqual({ create: 1, query: 1, refund: 0 });
  });

  it('is not reachable without the prefix', async () => {
    expect((await request('GET', `${hostUrl}/sandbox/stats`)).status).toBe(404);
  });

  it("leaves the host's error handler and parsing as they were", async () => {
    const boom = await request('GET', `${hostUrl}/host/boom`);
    expect(boom.status).toBe(418);
    expect(boom.json).toEqual({ host: 'error handler' });
    const badJson = await request('POST', `${hostUrl}/host/echo`, '{broken');
    expect(badJson.status).toBe(418);
    const echoed = await request('POST', `${hostUrl}/host/echo`, { a: 1 });
    expect(echoed.json).toEqual({ echoed: { a: 1 } });
    // ...while the sandbox answers bad JSON the Latipay way.
    const sandboxBadJson = await request('POST', `${base}/v2/minialipay`, '{broken');
    expect(sandboxBadJson.status).toBe(200);
    expect(sandboxBadJson.json.code).toBe(207);
  });

  it('takes JSON only, even when the host parses forms', async () => {
    const form = 'user_id=U000000777&amount=1.00';
    const headers = { 'content-type': 'application/x-www-form-urlencoded' };
    const toHost = await request('POST', `${hostUrl}/host/echo`, form, headers);
    expect(toHost.json).toEqual({ echoed: { user_id: 'U000000777', amount: '1.00' } });
    const toSandbox = await request('POST', `${base}/v2/minialipay`, form, headers);
    expect(toSandbox.status).toBe(200);
    expect(toSandbox.json).toMatchObject({ code: 207, message: expect.stringMatching(/content-type/) });
    const toRefund = await request('POST', `${base}/refund`, form, headers);
    expect(toRefund.json.code).toBe(550);
    const toControl = await request('POST', `${base}/sandbox/faults`, form, headers);
    expect(toControl.status).toBe(415);
  });

  it('refuses to register with invalid options, naming the option', async () => {
    const app = Fastify();
    app.register(sandboxPlugin, { ...ACCOUNT, retryMs: 0, maxAttempts: 3 });
    await expect(app.ready()).rejects.toThrow(/retryMs/);
    await app.close();
  });
});
