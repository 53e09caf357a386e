import { createPrivateKey } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ALIPAY_SANDBOX_DEV, startAlipaySandbox, type RunningAlipaySandbox } from '../../server/alipay-sandbox';
import { AlipayIdentity, type AlipayIdentityOptions } from '../../server/app/alipay/identity-client';
import { IdentityError, type IdentityFailureKind } from '../../server/app/alipay/identity-error';
import { parseAppPrivateKey } from '../../server/app/alipay/keys';
import { alipayRefusal } from '../../server/app/alipay/sdk-failure';
import { ALIPAY_SANDBOX_DEV_KEYS } from '../../server/alipay-sandbox/dev-credentials';
import { signedAnswer } from '../../server/alipay-sandbox/signature';
import { rsaKeyPair } from './gateway-client';

let sandbox: RunningAlipaySandbox;
const otherKeys = rsaKeyPair();

beforeAll(async () => {
  sandbox = await startAlipaySandbox({ port: 0 });
});
afterAll(async () => {
  await sandbox.close();
});

function identity(overrides: Partial<AlipayIdentityOptions> = {}): AlipayIdentity {
  return new AlipayIdentity({
    appId: ALIPAY_SANDBOX_DEV.appId,
    privateKey: ALIPAY_SANDBOX_DEV.appPrivateKey,
    keyType: ALIPAY_SANDBOX_DEV.keyType,
    alipayPublicKey: ALIPAY_SANDBOX_DEV.alipayPublicKey,
    gateway: () => sandbox.gateway,
    timeoutMs: 5000,
    ...overrides,
  });
}

/** The IdentityError an exchange fails with; its message must quote neither the code nor a key. */
async function failure(client: AlipayIdentity, code: string): Promise<IdentityError> {
  const err = await client.exchangeCode(code).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(IdentityError);
  const error = err as IdentityError;
  if (code !== '') expect(error.message).not.toContain(code);
  expect(error.message).not.toMatch(/BEGIN|PRIVATE|[A-Za-z0-9+/]{40}/);
  expect(error.cause).toBeUndefined();
  return error;
}

async function expectFailure(client: AlipayIdentity, code: string, kind: IdentityFailureKind, subCode: string | null = null): Promise<IdentityError> {
  const error = await failure(client, code);
  expect({ kind: error.kind, subCode: error.subCode }).toEqual({ kind, subCode });
  return error;
}

describe('exchangeCode against the stand-in', () => {
  it('gives the same open_id for sandbox:alice every time', async () => {
    const client = identity();
    const first = await client.exchangeCode('sandbox:alice');
    expect(first.buyerId).toMatch(/^0[0-9A-Za-z]{46}$/);
    expect(await client.exchangeCode('sandbox:alice')).toEqual(first);
    expect((await client.exchangeCode('sandbox:bob')).buyerId).not.toBe(first.buyerId);
  });

  it('gives the same open_id for sandbox:alice after the stand-in restarts', async () => {
    const before = await identity().exchangeCode('sandbox:alice');
    const restarted = await startAlipaySandbox({ port: 0 });
    try {
      expect(restarted.gateway).not.toBe(sandbox.gateway);
      expect(await identity({ gateway: () => restarted.gateway }).exchangeCode('sandbox:alice')).toEqual(before);
    } finally {
      await restarted.close();
    }
  });

  it('follows the gateway function from one call to the next', async () => {
    let gateway = sandbox.gateway;
    const client = identity({ gateway: () => gateway });
    const id = await client.exchangeCode('sandbox:alice');
    const other = await startAlipaySandbox({ port: 0 });
    try {
      gateway = other.gateway;
      expect(await client.exchangeCode('sandbox:alice')).toEqual(id);
      await other.close();
      await expectFailure(client, 'sandbox:alice', 'unavailable');
    } finally {
      await other.close().catch(() => undefined);
    }
  });

  it('gives a new buyer for any other code, once', async () => {
    const client = identity();
    const code = `4b203fe6c11548bcabd8da5bb0${Date.now().toString(16)}`;
    const buyer = await client.exchangeCode(code);
    expect(buyer.buyerId).toMatch(/^0[0-9A-Za-z]{46}$/);
    expect(buyer.buyerId).not.toBe((await client.exchangeCode('sandbox:alice')).buyerId);
    expect((await client.exchangeCode(`${code}-2`)).buyerId).not.toBe(buyer.buyerId);
    const reuse = await expectFailure(client, code, 'invalid_code', 'isv.code-invalid');
    expect(reuse.message).toBe('Alipay refused the auth code (isv.code-invalid)');
  });

  it('gives a stable user_id for sandbox-user-id:bob', async () => {
    const client = identity();
    const buyer = await client.exchangeCode('sandbox-user-id:bob');
    expect(buyer.buyerId).toMatch(/^2088\d{12}$/);
    expect(await client.exchangeCode('sandbox-user-id:bob')).toEqual(buyer);
  });

  it('refuses an empty or malformed code without calling Alipay', async () => {
    const unreachable = identity({ gateway: () => 'http://127.0.0.1:9/gateway.do' });
    await expectFailure(unreachable, '', 'invalid_code');
    await expectFailure(unreachable, 'with space', 'invalid_code');
    await expectFailure(unreachable, 'x'.repeat(129), 'invalid_code');
  });

  it('works with a PKCS1 private key, PEM or bare base64', async () => {
    const pkcs1Pem = createPrivateKey(ALIPAY_SANDBOX_DEV.appPrivateKey).export({ format: 'pem', type: 'pkcs1' }).toString();
    const parsed = parseAppPrivateKey(pkcs1Pem);
    expect(parsed.keyType).toBe('PKCS1');
    const expected = await identity().exchangeCode('sandbox:alice');
    expect(await identity(parsed).exchangeCode('sandbox:alice')).toEqual(expected);
    const bare = createPrivateKey(pkcs1Pem).export({ format: 'der', type: 'pkcs1' }).toString('base64');
    expect(await identity({ privateKey: bare, keyType: 'PKCS1' }).exchangeCode('sandbox:alice')).toEqual(expected);
  });

  it('prints nothing, succeeding or failing', async () => {
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((name) => jest.spyOn(console, name).mockImplementation(() => undefined));
    try {
      await identity().exchangeCode('sandbox:alice');
      await failure(identity({ alipayPublicKey: otherKeys.publicKey }), 'sandbox:alice');
      await failure(identity({ appId: '2021999999999999' }), 'sandbox:alice');
      for (const spy of spies) expect(spy).not.toHaveBeenCalled();
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });
});

describe('refusals', () => {
  it('a request signed with another app private key is refused', async () => {
    await expectFailure(identity({ privateKey: otherKeys.privateKey }), 'sandbox:alice', 'refused', 'isv.invalid-signature');
  });

  it('another app id is refused', async () => {
    await expectFailure(identity({ appId: '2021999999999999' }), 'sandbox:alice', 'refused', 'isv.invalid-app-id');
  });

  it('an answer signed with another key is an invalid answer', async () => {
    await expectFailure(identity({ alipayPublicKey: otherKeys.publicKey }), 'sandbox:alice', 'invalid_answer');
  });

  it('an error answer signed with another key is an invalid answer too', async () => {
    const client = identity({ alipayPublicKey: otherKeys.publicKey, appId: '2021999999999999' });
    await expectFailure(client, 'sandbox:alice', 'invalid_answer');
  });

  it('a gateway that is down is unavailable', async () => {
    const down = await startAlipaySandbox({ port: 0 });
    await down.close();
    const error = await expectFailure(identity({ gateway: () => down.gateway }), 'sandbox:alice', 'unavailable');
    expect(error.message).toMatch(/^Alipay could not be reached \(/);
  });

  it('an HTTP error is unavailable', async () => {
    const error = await expectFailure(identity({ gateway: () => `${sandbox.url}/not-the-gateway` }), 'sandbox:alice', 'unavailable');
    expect(error.message).toBe('Alipay answered HTTP 404');
  });

  it('no answer within timeoutMs is unavailable', async () => {
    const silent = http.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const gateway = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/gateway.do`;
      const started = Date.now();
      const error = await expectFailure(identity({ gateway: () => gateway, timeoutMs: 300 }), 'sandbox:alice', 'unavailable');
      expect(error.message).toBe('Alipay did not answer within 300 ms');
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('an answer that is not JSON is an invalid answer', async () => {
    const odd = http.createServer((_request, response) => response.end('<html>maintenance</html>'));
    await new Promise<void>((resolve) => odd.listen(0, '127.0.0.1', resolve));
    try {
      const gateway = `http://127.0.0.1:${(odd.address() as AddressInfo).port}/gateway.do`;
      await expectFailure(identity({ gateway: () => gateway }), 'sandbox:alice', 'invalid_answer');
    } finally {
      odd.closeAllConnections();
      await new Promise((resolve) => odd.close(resolve));
    }
  });

  it('an unsigned answer is an invalid answer', async () => {
    const unsigned = http.createServer((_request, response) =>
      response.end('{"error_response":{"code":"40002","msg":"Invalid Arguments","sub_code":"isv.code-invalid","sub_msg":"x"}}'),
    );
    await new Promise<void>((resolve) => unsigned.listen(0, '127.0.0.1', resolve));
    try {
      const gateway = `http://127.0.0.1:${(unsigned.address() as AddressInfo).port}/gateway.do`;
      await expectFailure(identity({ gateway: () => gateway }), 'sandbox:alice', 'invalid_answer');
    } finally {
      unsigned.closeAllConnections();
      await new Promise((resolve) => unsigned.close(resolve));
    }
  });
});

describe("Alipay's codes", () => {
  it('a refusal under the method\'s own key, signed like a success, is read as a refusal', async () => {
    const key = createPrivateKey(ALIPAY_SANDBOX_DEV_KEYS.alipayPrivateKey);
    const body = signedAnswer('alipay_system_oauth_token_response', { code: '40002', msg: 'Invalid Arguments', sub_code: 'isv.code-invalid', sub_msg: 'x' }, key);
    const fake = http.createServer((_request, response) => response.end(body));
    await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
    try {
      const gateway = `http://127.0.0.1:${(fake.address() as AddressInfo).port}/gateway.do`;
      await expectFailure(identity({ gateway: () => gateway }), 'sandbox:alice', 'invalid_code', 'isv.code-invalid');
    } finally {
      fake.closeAllConnections();
      await new Promise((resolve) => fake.close(resolve));
    }
  });

  it.each([
    [{ code: '20000', msg: 'Service Currently Unavailable', sub_code: 'isp.unknow-error' }, 'unavailable', 'isp.unknow-error'],
    [{ code: '40004', msg: 'Business Failed', subCode: 'isv.unmatched-app-id' }, 'refused', 'isv.unmatched-app-id'],
    [{ code: '40002', msg: 'Invalid Arguments', sub_code: 'isv.code-invalid' }, 'invalid_code', 'isv.code-invalid'],
  ])('%j is %s', (answer, kind, subCode) => {
    expect(alipayRefusal(answer)).toMatchObject({ kind, subCode });
  });

  it('quotes no sub_code that is not a plain token', () => {
    const error = alipayRefusal({ code: '40002', sub_code: 'isv.x code=4b203fe6c1' });
    expect(error).toMatchObject({ kind: 'refused', subCode: null, message: 'Alipay refused the request (40002)' });
  });
});

describe('construction', () => {
  it('refuses an empty alipayPublicKey (the SDK would skip verification)', () => {
    expect(() => identity({ alipayPublicKey: '' })).toThrow('AlipayIdentity: privateKey and alipayPublicKey are required');
  });

  it('refuses a key whose type is not keyType, without quoting it', () => {
    let message = '';
    try {
      identity({ keyType: 'PKCS1' });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toBe('AlipayIdentity: privateKey is not a PKCS1 RSA private key');
  });

  it('refuses an alipayPublicKey that is not a public key', () => {
    expect(() => identity({ alipayPublicKey: 'not a key' })).toThrow('AlipayIdentity: alipayPublicKey is not an SPKI public key');
  });
});
