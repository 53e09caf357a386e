import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig, type Env } from '../../server/app/config/config';
import { SANDBOX_DEV_CREDENTIALS } from '../../server/sandbox';

const PUBLIC = 'https://shop.example.com';
const LIVE: Env = {
  LATIPAY_BASE_URL: 'https://api.latipay.net/',
  LATIPAY_USER_ID: 'U000334333',
  LATIPAY_WALLET_ID: 'W00000001',
  LATIPAY_API_KEY: 'live-key-123',
};

function refusal(env: Env): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('loadConfig accepted the settings');
}

describe('configuration', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'shop-config-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('defaults to the in-process sandbox with the development credentials', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      publicBaseUrl: null,
      currency: 'NZD',
      adminToken: null,
      trustProxy: false,
      sandboxRemoteControl: false,
      latipay: { baseUrl: null, userId: SANDBOX_DEV_CREDENTIALS.userId, apiKey: SANDBOX_DEV_CREDENTIALS.apiKey, timeoutMs: 10000 },
    });
    expect(config.sandbox).not.toBeNull();
    expect(config.databasePath.endsWith(path.join('data', 'shop.sqlite'))).toBe(true);
    expect(config.catalog.get('test-item')?.priceCents).toBe(1);
  });

  it('uses a Latipay at LATIPAY_BASE_URL with the given credentials', () => {
    const config = loadConfig({ ...LIVE, LATIPAY_CURRENCY: 'AUD', PUBLIC_BASE_URL: 'https://shop.example.com/', PORT: '8080' });
    expect(config.sandbox).toBeNull();
    expect(config.latipay).toMatchObject({ baseUrl: 'https://api.latipay.net', userId: 'U000334333', apiKey: 'live-key-123' });
    expect(config.publicBaseUrl).toBe('https://shop.example.com');
    expect(config.currency).toBe('AUD');
    expect(config.catalog.currency).toBe('AUD');
    expect(config.port).toBe(8080);
  });

  it.each<[string, Env, string]>([
    ['a port out of range', { PORT: '70000' }, 'PORT'],
    ['a port that is not a number', { PORT: 'abc' }, 'PORT'],
    ['an unknown currency', { LATIPAY_CURRENCY: 'USD' }, 'LATIPAY_CURRENCY'],
    ['a public URL that is not http(s)', { PUBLIC_BASE_URL: 'ftp://x' }, 'PUBLIC_BASE_URL'],
    ['a Latipay URL that is not a URL', { ...LIVE, LATIPAY_BASE_URL: 'api.latipay.net' }, 'LATIPAY_BASE_URL'],
    ['a Latipay URL without its api key', { ...LIVE, LATIPAY_API_KEY: undefined }, 'LATIPAY_API_KEY'],
    ['a Latipay URL without its user id', { ...LIVE, LATIPAY_USER_ID: '' }, 'LATIPAY_USER_ID'],
    ['a short admin token', { ADMIN_TOKEN: 'short' }, 'ADMIN_TOKEN'],
    ['a zero timeout', { LATIPAY_TIMEOUT_MS: '0' }, 'LATIPAY_TIMEOUT_MS'],
    ['TRUST_PROXY other than 1/0', { TRUST_PROXY: 'yes' }, 'TRUST_PROXY'],
    ['SANDBOX_REMOTE_CONTROL other than 1/0', { SANDBOX_REMOTE_CONTROL: 'yes' }, 'SANDBOX_REMOTE_CONTROL'],
    ['an unknown log level', { LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    ['a missing catalogue file', { CATALOG_PATH: '/nonexistent/catalog.json' }, 'CATALOG_PATH'],
    ['half of the sandbox credentials', { LATIPAY_USER_ID: 'U1234' }, 'LATIPAY_WALLET_ID'],
    ['a bad sandbox retry interval', { SANDBOX_RETRY_MS: 'soon' }, 'SANDBOX_RETRY_MS'],
    ['production without a Latipay URL', { NODE_ENV: 'production' }, 'LATIPAY_BASE_URL'],
    ['production without a public URL for the callback', { ...LIVE, NODE_ENV: 'production' }, 'PUBLIC_BASE_URL'],
    [
      'production over plain http',
      { ...LIVE, NODE_ENV: 'production', PUBLIC_BASE_URL: PUBLIC, LATIPAY_BASE_URL: 'http://api.latipay.net' },
      'LATIPAY_BASE_URL',
    ],
    [
      'production with the sandbox key',
      { ...LIVE, NODE_ENV: 'production', PUBLIC_BASE_URL: PUBLIC, LATIPAY_API_KEY: SANDBOX_DEV_CREDENTIALS.apiKey },
      'LATIPAY_API_KEY',
    ],
  ])('refuses %s, naming %s', (_what, env, setting) => {
    const err = refusal(env);
    expect(err.setting).toBe(setting);
    expect(err.message.startsWith(setting)).toBe(true);
    expect(err.message).not.toContain('\n');
  });

  it('starts in production with a real Latipay, its credentials and a public URL', () => {
    const config = loadConfig({ ...LIVE, NODE_ENV: 'production', PUBLIC_BASE_URL: PUBLIC });
    expect(config).toMatchObject({ production: true, sandbox: null, latipay: { baseUrl: 'https://api.latipay.net' } });
  });

  it('never puts the api key in a refusal', () => {
    const err = refusal({ ...LIVE, LATIPAY_API_KEY: 'has a space', LATIPAY_BASE_URL: 'https://x.example' });
    expect(err.setting).toBe('LATIPAY_API_KEY');
    expect(err.message).not.toContain('has a space');
  });

  it('names CATALOG_PATH when the catalogue has a bad price', () => {
    const file = path.join(dir, 'catalog.json');
    writeFileSync(file, JSON.stringify({ products: [{ id: 'x', name: 'X', description: '', price: '0.001' }] }));
    expect(refusal({ CATALOG_PATH: file }).message).toMatch(/^CATALOG_PATH: .*products\[0\]\.price/);
  });

  it('`tsx server/main.ts` with a bad setting prints one line naming it and exits 1', () => {
    const result = spawnSync(process.execPath, [require.resolve('tsx/cli'), 'server/main.ts'], {
      cwd: path.join(__dirname, '../..'),
      env: { PATH: process.env.PATH, PORT: 'not-a-port', DATABASE_PATH: path.join(dir, 'never.sqlite') },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toEqual([expect.stringMatching(/^Configuration error: PORT: must be an integer/)]);
    expect(result.stdout).toBe('');
  });
});
