import type { AddressInfo } from 'node:net';
import formbody from '@fastify/formbody';
import Fastify, { type FastifyInstance } from 'fastify';
import { alipaySandboxPlugin, startAlipaySandbox, type RunningAlipaySandbox } from '../../server/alipay-sandbox';
import { post, rsaKeyPair, sign, tokenParams } from './gateway-client';

let sandbox: RunningAlipaySandbox;

beforeAll(async () => {
  sandbox = await startAlipaySandbox({ port: 0 });
});
afterAll(async () => {
  await sandbox.close();
});

function expectError(answer: Awaited<ReturnType<typeof post>>, code: string, subCode: string): void {
  expect(answer.status).toBe(200);
  expect(answer.key).toBe('error_response');
  expect(answer.value).toMatchObject({ code, sub_code: subCode });
  expect(typeof answer.value.msg).toBe('string');
  expect(typeof answer.value.sub_msg).toBe('string');
  expect(answer.verifies).toBe(true);
}

describe('a valid request', () => {
  it('answers the token, signed over the exact text of the answer', async () => {
    const answer = await post(sandbox.gateway, sign(tokenParams('sandbox:carol')));
    expect(answer.status).toBe(200);
    expect(answer.key).toBe('alipay_system_oauth_token_response');
    expect(answer.verifies).toBe(true);
    expect(answer.value).toEqual({
      open_id: expect.stringMatching(/^0[0-9A-Za-z]{46}$/),
      access_token: expect.stringMatching(/^\S{40}$/),
      expires_in: expect.any(Number),
      refresh_token: expect.stringMatching(/^\S{40}$/),
      re_expires_in: expect.any(Number),
      auth_start: expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/),
    });
  });

  it('is also taken as a GET with every parameter in the query', async () => {
    const answer = await post(sandbox.gateway, sign(tokenParams('sandbox:carol')), { method: 'GET' });
    expect(answer.key).toBe('alipay_system_oauth_token_response');
  });

  it('leaves empty parameters out of the signed string, as Alipay does', async () => {
    const params = sign(tokenParams('sandbox:carol', { app_auth_token: '' }));
    const answer = await post(sandbox.gateway, params);
    expect(answer.key).toBe('alipay_system_oauth_token_response');
  });
});

describe('the request signature', () => {
  it('refuses a parameter changed after signing', async () => {
    const signed = sign(tokenParams('sandbox:carol'));
    const answer = await post(sandbox.gateway, { ...signed, code: 'sandbox:mallory' });
    expectError(answer, '40002', 'isv.invalid-signature');
  });

  it('refuses a request signed with another private key', async () => {
    const answer = await post(sandbox.gateway, sign(tokenParams('sandbox:carol'), rsaKeyPair().privateKey));
    expectError(answer, '40002', 'isv.invalid-signature');
  });

  it('refuses a request without a signature', async () => {
    const { sign: _sign, ...unsigned } = sign(tokenParams('sandbox:carol'));
    expectError(await post(sandbox.gateway, unsigned), '40001', 'isv.missing-signature');
  });

  it('refuses a signature that is not base64 of an RSA signature', async () => {
    const answer = await post(sandbox.gateway, { ...tokenParams('sandbox:carol'), sign: 'not-a-signature' });
    expectError(answer, '40002', 'isv.invalid-signature');
  });
});

describe('the public parameters', () => {
  it.each([
    ['2024/01/02 03:04:05'],
    ['2024-01-02T03:04:05'],
    ['2024-02-30 10:00:00'],
    ['2024-01-02 24:00:00'],
    ['1704164645'],
  ])('refuses the timestamp %s', async (timestamp) => {
    const answer = await post(sandbox.gateway, sign(tokenParams('sandbox:carol', { timestamp })));
    expectError(answer, '40002', 'isv.invalid-timestamp');
  });

  it('refuses another app id', async () => {
    const answer = await post(sandbox.gateway, sign(tokenParams('sandbox:carol', { app_id: '2021999999999999' })));
    expectError(answer, '40002', 'isv.invalid-app-id');
  });

  it('refuses another method', async () => {
    const answer = await post(sandbox.gateway, sign(tokenParams('sandbox:carol', { method: 'alipay.user.info.share' })));
    expectError(answer, '40002', 'isv.invalid-method');
  });

  it('refuses sign_type RSA', async () => {
    const answer = await post(sandbox.gateway, sign(tokenParams('sandbox:carol', { sign_type: 'RSA' })));
    expectError(answer, '40002', 'isv.invalid-signature-type');
  });

  it('refuses another version', async () => {
    const answer = await post(sandbox.gateway, sign(tokenParams('sandbox:carol', { version: '2.0' })));
    expectError(answer, '40002', 'isv.invalid-parameter');
  });

  it.each([['app_id', 'isv.missing-app-id'], ['method', 'isv.missing-method'], ['timestamp', 'isv.missing-timestamp'], ['version', 'isv.missing-version'], ['sign_type', 'isv.missing-signature-type']])(
    'refuses a request without %s',
    async (name, subCode) => {
      const params = tokenParams('sandbox:carol');
      delete params[name];
      expectError(await post(sandbox.gateway, sign(params)), '40001', subCode);
    },
  );

  it('refuses a parameter given twice', async () => {
    const params = sign(tokenParams('sandbox:carol'));
    const body = `${new URLSearchParams({ grant_type: params.grant_type, code: params.code })}&code=sandbox%3Acarol`;
    const query = { ...params };
    delete query.code;
    delete query.grant_type;
    expectError(await post(sandbox.gateway, query, { body }), '40002', 'isv.invalid-parameter');
  });

  it('refuses a body that is not a form', async () => {
    const params = sign(tokenParams('sandbox:carol'));
    const answer = await post(sandbox.gateway, params, { body: JSON.stringify(params), contentType: 'application/json' });
    expectError(answer, '40002', 'isv.invalid-parameter');
  });

  it('answers an oversized body in the same shape', async () => {
    const answer = await post(sandbox.gateway, sign(tokenParams('x'.repeat(20_000))));
    expectError(answer, '40002', 'isv.invalid-parameter');
  });
});

describe('the business parameters', () => {
  it('refuses a grant type other than authorization_code', async () => {
    const answer = await post(sandbox.gateway, sign(tokenParams('sandbox:carol', { grant_type: 'refresh_token' })));
    expectError(answer, '40002', 'isv.grant-type-invalid');
  });

  it.each([[''], ['sandbox:'], [`sandbox:${'n'.repeat(65)}`], ['sandbox:with space'], ['sandbox-user-id:'], ['a code with spaces']])(
    'refuses the code %j',
    async (code) => {
      expectError(await post(sandbox.gateway, sign(tokenParams(code))), '40002', 'isv.code-invalid');
    },
  );

  it('gives a one-time code once', async () => {
    const code = `one-time-${Date.now()}`;
    const first = await post(sandbox.gateway, sign(tokenParams(code)));
    expect(first.key).toBe('alipay_system_oauth_token_response');
    expectError(await post(sandbox.gateway, sign(tokenParams(code))), '40002', 'isv.code-invalid');
  });

  it('forgets the oldest used codes past maxUsedCodes', async () => {
    const small = await startAlipaySandbox({ maxUsedCodes: 2 });
    try {
      for (const code of ['c1', 'c2', 'c3']) expect((await post(small.gateway, sign(tokenParams(code)))).key).toBe('alipay_system_oauth_token_response');
      expect((await post(small.gateway, sign(tokenParams('c3')))).key).toBe('error_response');
      expect((await post(small.gateway, sign(tokenParams('c1')))).key).toBe('alipay_system_oauth_token_response');
    } finally {
      await small.close();
    }
  });

  it('answers user_id, not open_id, for sandbox-user-id:<name>', async () => {
    const answer = await post(sandbox.gateway, sign(tokenParams('sandbox-user-id:dave')));
    expect(answer.value.user_id).toMatch(/^2088\d{12}$/);
    expect(answer.value.open_id).toBeUndefined();
  });
});

describe('mounted in a host app', () => {
  let host: FastifyInstance;
  let hostUrl: string;

  beforeAll(async () => {
    host = Fastify();
    // A host's own form parser must not change what the stand-in reads.
    await host.register(formbody);
    host.post('/host/echo', async (request) => ({ echoed: request.body }));
    await host.register(alipaySandboxPlugin, { prefix: '/alipay-sandbox' });
    await host.listen({ port: 0, host: '127.0.0.1' });
    hostUrl = `http://127.0.0.1:${(host.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await host.close();
  });

  it('answers at <prefix>/gateway.do', async () => {
    const answer = await post(`${hostUrl}/alipay-sandbox/gateway.do`, sign(tokenParams('sandbox:carol')));
    expect(answer.key).toBe('alipay_system_oauth_token_response');
    expect(answer.verifies).toBe(true);
  });

  it("leaves the host's routes and parsers alone", async () => {
    const echo = await fetch(`${hostUrl}/host/echo`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=1' });
    expect(await echo.json()).toEqual({ echoed: { a: '1' } });
    expect((await fetch(`${hostUrl}/alipay-sandbox/other`)).status).toBe(404);
  });
});
