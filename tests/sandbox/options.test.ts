import { SANDBOX_DEV_CREDENTIALS, sandboxOptionsFromEnv, startSandbox } from '../../server/sandbox';

const OWN = { LATIPAY_USER_ID: 'U000334333', LATIPAY_WALLET_ID: 'W00000001', LATIPAY_API_KEY: 'own-key-7d1f' };

describe('sandboxOptionsFromEnv', () => {
  it('uses the documented development defaults when nothing is set', () => {
    expect(sandboxOptionsFromEnv({})).toEqual({
      ...SANDBOX_DEV_CREDENTIALS,
      currency: 'NZD',
      retryMs: 5000,
      maxAttempts: 10,
      notifyTimeoutMs: 5000,
    });
  });

  it('treats empty variables as unset', () => {
    expect(sandboxOptionsFromEnv({ LATIPAY_API_KEY: '', SANDBOX_RETRY_MS: '' }).apiKey).toBe(SANDBOX_DEV_CREDENTIALS.apiKey);
  });

  it('reads the account, currency and notification settings', () => {
    const opts = sandboxOptionsFromEnv({
      ...OWN,
      LATIPAY_CURRENCY: 'AUD',
      SANDBOX_RETRY_MS: '250',
      SANDBOX_MAX_ATTEMPTS: '4',
      SANDBOX_NOTIFY_TIMEOUT_MS: '1000',
    });
    expect(opts).toEqual({
      userId: 'U000334333',
      walletId: 'W00000001',
      apiKey: 'own-key-7d1f',
      currency: 'AUD',
      retryMs: 250,
      maxAttempts: 4,
      notifyTimeoutMs: 1000,
    });
  });

  it('wants the three credentials together, naming the missing ones', () => {
    expect(() => sandboxOptionsFromEnv({ LATIPAY_API_KEY: 'own-key-7d1f' })).toThrow(/LATIPAY_USER_ID and LATIPAY_WALLET_ID/);
    expect(() => sandboxOptionsFromEnv({ LATIPAY_USER_ID: 'U1', LATIPAY_WALLET_ID: 'W1' })).toThrow(/^LATIPAY_API_KEY /);
  });

  it.each([
    [{ ...OWN, LATIPAY_USER_ID: 'X123' }, /LATIPAY_USER_ID/],
    [{ ...OWN, LATIPAY_WALLET_ID: 'W 1' }, /LATIPAY_WALLET_ID/],
    [{ LATIPAY_CURRENCY: 'USD' }, /LATIPAY_CURRENCY/],
    [{ LATIPAY_CURRENCY: 'nzd' }, /LATIPAY_CURRENCY/],
    [{ SANDBOX_RETRY_MS: '0' }, /SANDBOX_RETRY_MS/],
    [{ SANDBOX_RETRY_MS: '1.5' }, /SANDBOX_RETRY_MS/],
    [{ SANDBOX_RETRY_MS: 'soon' }, /SANDBOX_RETRY_MS/],
    [{ SANDBOX_MAX_ATTEMPTS: '-1' }, /SANDBOX_MAX_ATTEMPTS/],
  ])('rejects %j, naming the variable', (env, name) => {
    expect(() => sandboxOptionsFromEnv(env)).toThrow(name);
  });

  it('rejects a malformed api key without echoing it', () => {
    const key = 'secret with spaces';
    let message = '';
    try {
      sandboxOptionsFromEnv({ ...OWN, LATIPAY_API_KEY: key });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/LATIPAY_API_KEY/);
    expect(message).not.toContain('secret');
  });
});

describe('startSandbox', () => {
  it('uses the development credentials by default and answers on a loopback URL', async () => {
    const sandbox = await startSandbox({ port: 0 });
    try {
      expect(sandbox.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const answer = await fetch(`${sandbox.url}/sandbox/stats`);
      expect(await answer.json()).toEqual({ calls: { create: 0, query: 0, refund: 0 } });
    } finally {
      await sandbox.close();
    }
  });

  it('rejects invalid options', async () => {
    await expect(startSandbox({ port: 0, currency: 'EUR' })).rejects.toThrow(/currency/);
  });
});
