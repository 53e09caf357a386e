import { startTestServer, type TestServer } from '../support/server';
import { http, waitFor } from './helpers/http';
import { addFault, createOrder, createdOrder, getOrder, notification, notify, sandboxCalls, sandboxOrder, shopperHeaders } from './helpers/shop';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

const GATEWAY_KEYS = [
  'service', 'partner', '_input_charset', 'sign_type', 'sign', 'notify_url', 'return_url', 'subject', 'body',
  'out_trade_no', 'currency', 'total_fee', 'supplier', 'secondary_merchant_id', 'secondary_merchant_name',
  'secondary_merchant_industry', 'product_code', 'app_pay',
];

describe('products and health', () => {
  it('GET /healthz answers 200', async () => {
    const res = await http(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toEqual(expect.any(String));
  });

  it('GET /api/products lists the catalogue with 2-decimal prices in the wallet currency', async () => {
    const res = await http(`${server.url}/api/products`);
    expect(res.status).toBe(200);
    expect(res.body.products).toContainEqual({
      id: 'test-item',
      name: 'Test item',
      description: expect.any(String),
      price: '0.01',
      currency: 'NZD',
      imageUrl: `${server.url}/images/test-item.png`,
    });
    for (const product of res.body.products) expect(product.price).toMatch(/^\d+\.\d{2}$/);
  });
});

describe('POST /api/orders', () => {
  it('creates a pending order priced by the server, with gatewaydata as Latipay gave it', async () => {
    const res = await createOrder(server, { productId: 'pinot-noir-otago', quantity: 2, price: '0.01' });
    expect(res.status).toBe(201);
    const { order, gatewaydata, mode } = res.body;
    expect(mode).toBe('sandbox');
    expect(order).toMatchObject({
      status: 'pending',
      amount: '79.80',
      currency: 'NZD',
      productName: 'Pinot Noir, Otago ×2',
      items: [{ productId: 'pinot-noir-otago', name: 'Pinot Noir, Otago', quantity: 2, unitPrice: '39.90', lineTotal: '79.80' }],
      latipayOrderId: expect.any(String),
      paidAt: null,
      refundedAmount: '0.00',
      refunds: [],
    });
    expect(order.merchantReference).toMatch(/^M[0-9a-f]{42}$/);
    expect(new Date(order.createdAt).toISOString()).toBe(order.createdAt);
    expect(Object.keys(gatewaydata)).toEqual(GATEWAY_KEYS);
    expect(gatewaydata).toMatchObject({ out_trade_no: order.latipayOrderId, total_fee: '79.80', currency: 'NZD', subject: 'Pinot Noir, Otago ×2' });
    const atLatipay = await sandboxOrder(server, order.merchantReference);
    expect(atLatipay).toMatchObject({ amount: '79.80', productName: 'Pinot Noir, Otago ×2', callbackUrl: `${server.url}/api/latipay/notify` });
    expect((await getOrder(server, order.merchantReference)).body.order).toEqual(order);
  });

  it('makes a different unguessable reference for every order', async () => {
    const a = await createdOrder(server);
    const b = await createdOrder(server);
    expect(a.merchantReference).not.toBe(b.merchantReference);
  });

  it.each<[string, unknown]>([
    ['a missing productId', { quantity: 1 }],
    ['a quantity of 0', { productId: 'test-item', quantity: 0 }],
    ['a quantity of 100', { productId: 'test-item', quantity: 100 }],
    ['a fractional quantity', { productId: 'test-item', quantity: 1.5 }],
    ['a quantity as a string', { productId: 'test-item', quantity: '1' }],
    ['an array body', [1]],
    ['a JSON string body', 'test-item'],
  ])('refuses %s with 400 invalid_request, calling Latipay not at all', async (_what, body) => {
    const before = (await sandboxCalls(server)).create;
    const res = await createOrder(server, body);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: { code: 'invalid_request', message: expect.any(String) } });
    expect((await sandboxCalls(server)).create).toBe(before);
  });

  it('refuses an unknown product', async () => {
    const res = await createOrder(server, { productId: 'caviar', quantity: 1 });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('unknown_product');
  });

  it('refuses a bad Idempotency-Key header', async () => {
    const key = await createOrder(server, undefined, { 'idempotency-key': 'x'.repeat(256) });
    expect(key.status).toBe(400);
  });

  it('answers invalid JSON with 400, a non-JSON body with 415 and a big body with 413, all as JSON errors', async () => {
    const session = await shopperHeaders(server);
    const broken = await http(`${server.url}/api/orders`, { raw: '{"productId":', headers: { ...session, 'content-type': 'application/json' } });
    expect(broken.status).toBe(400);
    expect(broken.body).toEqual({ error: { code: 'invalid_request', message: 'the body is not valid JSON' } });
    const text = await http(`${server.url}/api/orders`, { raw: 'hello', headers: { ...session, 'content-type': 'text/plain' } });
    expect(text.status).toBe(415);
    expect(text.body.error.code).toBe('unsupported_media_type');
    const big = await createOrder(server, { productId: 'test-item', quantity: 1, padding: 'x'.repeat(20_000) });
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('payload_too_large');
    const notify = await http(`${server.url}/api/latipay/notify`, { form: { padding: 'x'.repeat(20_000) } });
    expect(notify.status).toBe(413);
  });

  it('answers paid when the paid notification came before Latipay\'s create answer, as a read does', async () => {
    await addFault(server, { endpoint: 'create', kind: 'delay', delayMs: 500 });
    const earlyPayer = await server.signIn('early-payer');
    const creating = createOrder(server, { productId: 'test-item', quantity: 1 }, {}, 'early-payer');
    const [row] = await waitFor(async () => {
      const rows = await server.rows<{ merchant_reference: string }>('SELECT merchant_reference FROM orders WHERE buyer_id = ?', earlyPayer.buyerId);
      return rows.length > 0 ? rows : undefined;
    }, 'the order being created');
    const early = { merchantReference: row.merchant_reference, amount: '0.01', currency: 'NZD', latipayOrderId: null };
    expect((await notify(server, notification(early, 'paid', server.latipay.apiKey))).text).toBe('sent');
    const res = await creating;
    expect(res.status).toBe(201);
    expect(res.body.order).toMatchObject({ merchantReference: row.merchant_reference, status: 'paid', paidAt: expect.any(String) });
    expect(res.body.order.latipayOrderId).toBe(res.body.gatewaydata.out_trade_no);
    expect((await getOrder(server, row.merchant_reference, false, 'early-payer')).body.order).toEqual(res.body.order);
  });

  it('answers a URL that cannot be decoded with a JSON 400', async () => {
    const res = await http(`${server.url}/api/orders/%ZZ`, { headers: await shopperHeaders(server) });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: { code: 'invalid_request', message: expect.any(String) } });
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers unknown routes with a JSON 404', async () => {
    const res = await http(`${server.url}/api/nothing?x=1`);
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: { code: 'not_found', message: 'no route GET /api/nothing' } });
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('idempotent create', () => {
  it('the same key and body give the same order and one Latipay call', async () => {
    const headers = { 'idempotency-key': 'checkout-1' };
    const before = (await sandboxCalls(server)).create;
    const first = await createOrder(server, { productId: 'flat-white', quantity: 1 }, headers, 'buyer-idem');
    const again = await createOrder(server, { quantity: 1, productId: 'flat-white' }, headers, 'buyer-idem');
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(Object.keys(again.body.gatewaydata)).toEqual(GATEWAY_KEYS);
    expect((await sandboxCalls(server)).create).toBe(before + 1);
  });

  it('the same key with a different body is refused with 409', async () => {
    const headers = { 'idempotency-key': 'checkout-2' };
    await createdOrder(server, { productId: 'flat-white', quantity: 1 }, headers, 'buyer-idem');
    const other = await createOrder(server, { productId: 'flat-white', quantity: 2 }, headers, 'buyer-idem');
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('idempotency_conflict');
  });

  it('keys are scoped per signed-in buyer: B replaying A\'s key gets an order of its own, never A\'s gatewaydata', async () => {
    const a = await createOrder(server, undefined, { 'idempotency-key': 'shared' }, 'buyer-a');
    const b = await createOrder(server, undefined, { 'idempotency-key': 'shared' }, 'buyer-b');
    expect(a.body.order.merchantReference).not.toBe(b.body.order.merchantReference);
    expect(b.body.gatewaydata).not.toEqual(a.body.gatewaydata);
  });

  it('an X-Buyer-Id header is not read: it neither signs in nor names a buyer', async () => {
    const alice = await createdOrder(server, undefined, {}, 'alice');
    const alicesId = (await server.signIn('alice')).buyerId;
    const claimed = await http(`${server.url}/api/orders/${alice.merchantReference}`, { headers: { 'x-buyer-id': alicesId } });
    expect(claimed.status).toBe(401);
    const asBob = await http(`${server.url}/api/orders`, { headers: { ...(await shopperHeaders(server, 'bob')), 'x-buyer-id': alicesId } });
    expect(asBob.body.orders).toEqual([]);
  });

  it('concurrent requests with the same key make one order and one Latipay call', async () => {
    const headers = { 'idempotency-key': 'double-tap' };
    const { buyerId } = await server.signIn('buyer-concurrent');
    const before = (await sandboxCalls(server)).create;
    const results = await Promise.all(Array.from({ length: 5 }, () => createOrder(server, undefined, headers, 'buyer-concurrent')));
    expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
    expect(new Set(results.map((r) => r.body.order.merchantReference)).size).toBe(1);
    expect((await sandboxCalls(server)).create).toBe(before + 1);
    const rows = await server.rows('SELECT merchant_reference FROM orders WHERE buyer_id = ?', buyerId);
    expect(rows).toHaveLength(1);
  });

  it('a burst of creates, some without a key and some keys sent three times, recorded together, keeps one order per key', async () => {
    const { buyerId } = await server.signIn('buyer-burst');
    const before = (await sandboxCalls(server)).create;
    const keys = Array.from({ length: 10 }, (_, i) => `burst-${i}`);
    // Keys first, then their repeats, then orders without a key: all sent at once.
    const requests = [...keys, ...keys, ...keys, ...Array.from({ length: 10 }, () => null)];
    const results = await Promise.all(
      requests.map((key) => createOrder(server, undefined, key === null ? {} : { 'idempotency-key': key }, 'buyer-burst')),
    );
    expect(results.map((r) => r.status)).toEqual(requests.map(() => 201));
    const byKey = new Map<string, Set<string>>();
    requests.forEach((key, i) => {
      if (key !== null) byKey.set(key, (byKey.get(key) ?? new Set()).add(results[i].body.order.merchantReference));
    });
    expect([...byKey.values()].map((references) => references.size)).toEqual(keys.map(() => 1));
    const references = new Set(results.map((r) => r.body.order.merchantReference as string));
    expect(references.size).toBe(20);
    expect((await sandboxCalls(server)).create).toBe(before + 20);
    const rows = await server.rows<{ merchant_reference: string; status: string }>('SELECT merchant_reference, status FROM orders WHERE buyer_id = ?', buyerId);
    expect(new Set(rows.map((row) => row.merchant_reference))).toEqual(references);
    expect(rows.every((row) => row.status === 'pending')).toBe(true);
    const events = await server.rows<{ merchant_reference: string; details: string }>(
      "SELECT merchant_reference, details FROM events WHERE kind = 'latipay_created' AND merchant_reference IN (SELECT merchant_reference FROM orders WHERE buyer_id = ?)",
      buyerId,
    );
    expect(events).toHaveLength(20);
    expect(events.every((event) => JSON.parse(event.details).status === 'pending' && typeof JSON.parse(event.details).latipayOrderId === 'string')).toBe(true);
  });
});

describe('GET /api/orders', () => {
  it("lists the buyer's orders, newest first, and only theirs", async () => {
    const headers = await shopperHeaders(server, 'lister');
    const refs: string[] = [];
    for (const productId of ['test-item', 'flat-white', 'canvas-tote']) {
      refs.push((await createdOrder(server, { productId, quantity: 1 }, {}, 'lister')).merchantReference);
    }
    await createdOrder(server, undefined, {}, 'someone-else');
    const res = await http(`${server.url}/api/orders`, { headers });
    expect(res.status).toBe(200);
    expect(res.body.orders.map((o: { merchantReference: string }) => o.merchantReference)).toEqual(refs.reverse());
  });

  it('pages 20 at a time with the nextBefore cursor, newest first, and never into another buyer\'s orders', async () => {
    const headers = await shopperHeaders(server, 'buyer-with-many-orders');
    const refs: string[] = [];
    for (let i = 0; i < 45; i += 1) refs.push((await createdOrder(server, undefined, {}, 'buyer-with-many-orders')).merchantReference);
    const newestFirst = [...refs].reverse();
    const page = async (before?: string) =>
      (await http(`${server.url}/api/orders${before ? `?before=${before}` : ''}`, { headers })).body as {
        orders: { merchantReference: string }[];
        nextBefore: string | null;
      };
    const first = await page();
    const second = await page(first.nextBefore!);
    const third = await page(second.nextBefore!);
    const seen = [first, second, third].flatMap((p) => p.orders.map((o) => o.merchantReference));
    expect([first.orders.length, second.orders.length, third.orders.length]).toEqual([20, 20, 5]);
    expect(seen).toEqual(newestFirst);
    expect(first.nextBefore).toBe(newestFirst[19]);
    expect(third.nextBefore).toBeNull();
    // Another buyer's reference as the cursor gives nothing of theirs or of this buyer's.
    const stranger = await http(`${server.url}/api/orders?before=${refs[44]}`, { headers: await shopperHeaders(server, 'someone-else') });
    expect(stranger.body).toEqual({ orders: [], nextBefore: null });
    expect((await http(`${server.url}/api/orders?before=not%20a%20ref`, { headers })).status).toBe(400);
  });

  it('needs a session', async () => {
    const res = await http(`${server.url}/api/orders`);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthorized');
  });

  it('answers 404 for an unknown or impossible reference, 400 for a bad refresh flag', async () => {
    expect((await getOrder(server, 'Mffffffffffffffffffffffffffffff')).status).toBe(404);
    expect((await http(`${server.url}/api/orders/${encodeURIComponent('../etc')}`, { headers: await shopperHeaders(server) })).status).toBe(404);
    // Longer than any reference, and than the router's parameter limit: still simply not found.
    const long = await http(`${server.url}/api/orders/M${'a'.repeat(300)}`, { headers: await shopperHeaders(server) });
    expect(long.status).toBe(404);
    expect(long.body.error.code).toBe('not_found');
    const order = await createdOrder(server);
    expect((await http(`${server.url}/api/orders/${order.merchantReference}?refresh=maybe`, { headers: await shopperHeaders(server) })).status).toBe(400);
  });
});
