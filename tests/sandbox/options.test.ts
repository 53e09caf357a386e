import { ConfigError } from '../../server/env/parsers';
import { SANDBOX_DEV_CREDENTIALS, sandboxOptionsFromEnv, startSandbox } from '../../server/sandbox';

const OWN = { LATIPAY_USER_ID: 'U000334333', LATIPAY_WALLET_ID: 'W00000001', LATIPAY_API_KEY: 'own-key-7d1f' };

/** The error sandboxOptionsFromEnv throws for `env`, which must be a ConfigError. */
function configError(env: Record<string, string>): ConfigError {
  try {
    sandboxOptionsFromEnv(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error(`no error for ${JSON.stringify(env)}`);
}

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

  it('treats empty and blank variables as unset', () => {
    const opts = sandboxOptionsFromEnv({ LATIPAY_API_KEY: '', SANDBOX_RETRY_MS: '   ', LATIPAY_CURRENCY: ' ' });
    expect(opts.apiKey).toBe(SANDBOX_DEV_CREDENTIALS.apiKey);
    expect(opts.retryMs).toBe(5000);
    expect(opts.currency).toBe('NZD');
  });

  it('trims values as the backend does', () => {
    const opts = sandboxOptionsFromEnv({
      LATIPAY_USER_ID: ' U000334333 ',
      LATIPAY_WALLET_ID: '\tW00000001',
      LATIPAY_API_KEY: 'own-key-7d1f\n',
      LATIPAY_CURRENCY: ' AUD ',
      SANDBOX_RETRY_MS: ' 250 ',
      SANDBOX_MAX_ATTEMPTS: '4 ',
      SANDBOX_NOTIFY_TIMEOUT_MS: ' 1000',
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

  it('never reads SANDBOX_DATABASE_PATH (the backend picks its in-process sandbox file itself)', () => {
    expect(sandboxOptionsFromEnv({ SANDBOX_DATABASE_PATH: '/tmp/x.sqlite' }).databasePath).toBeUndefined();
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

  it('wants the three credentials together, naming the first missing one', () => {
    const onlyKey = configError({ LATIPAY_API_KEY: 'own-key-7d1f' });
    expect(onlyKey.setting).toBe('LATIPAY_USER_ID');
    expect(onlyKey.message).toMatch(/^LATIPAY_USER_ID: must be set too when LATIPAY_API_KEY is set/);
    expect(onlyKey.message).not.toContain('own-key-7d1f');
    const noKey = configError({ LATIPAY_USER_ID: 'U1', LATIPAY_WALLET_ID: 'W1' });
    expect(noKey.setting).toBe('LATIPAY_API_KEY');
    expect(noKey.message).toMatch(/^LATIPAY_API_KEY: must be set too when LATIPAY_USER_ID and LATIPAY_WALLET_ID are set/);
    expect(configError({ LATIPAY_USER_ID: 'U1', LATIPAY_API_KEY: 'k' }).setting).toBe('LATIPAY_WALLET_ID');
    // Blank counts as unset here too.
    expect(configError({ ...OWN, LATIPAY_WALLET_ID: '  ' }).setting).toBe('LATIPAY_WALLET_ID');
  });

  it('reports a bad number the way the backend does', () => {
    expect(configError({ SANDBOX_RETRY_MS: 'soon' }).message).toBe('SANDBOX_RETRY_MS: must be an integer from 1 to 3600000, got "soon"');
    expect(configError({ SANDBOX_MAX_ATTEMPTS: '1001' }).message).toBe('SANDBOX_MAX_ATTEMPTS: must be an integer from 1 to 1000, got "1001"');
    expect(configError({ LATIPAY_CURRENCY: 'USD' }).message).toBe('LATIPAY_CURRENCY: must be one of NZD, AUD, CNY, got "USD"');
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
    [{ SANDBOX_NOTIFY_TIMEOUT_MS: '3600001' }, /SANDBOX_NOTIFY_TIMEOUT_MS/],
  ])('rejects %j with a ConfigError naming the variable', (env, name) => {
    const error = configError(env);
    expect(error.message).toMatch(new RegExp(`^${name.source}: `));
    expect(error.setting).toBe(name.source);
  });

  it.each(['secret with spaces', 'secret-\u00e9-non-ascii', 'x'.repeat(257)])('rejects a malformed api key (case %#) without echoing it', (key) => {
    const error = configError({ ...OWN, LATIPAY_API_KEY: key });
    expect(error.setting).toBe('LATIPAY_API_KEY');
    expect(error.message).not.toContain(key.slice(0, 6));
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

  it('rejects invalid options, naming the option', async () => {
    await expect(startSandbox({ port: 0, currency: 'EUR' })).rejects.toThrow(/^sandbox option currency: must be one of NZD, AUD, CNY$/);
    await expect(startSandbox({ port: 0, retryMs: 0 })).rejects.toThrow(ConfigError);
    await expect(startSandbox({ port: 0, databasePath: '' })).rejects.toThrow(/^sandbox option databasePath: /);
  });
});
