import { spawnSync } from 'node:child_process';
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig, type Env } from '../../server/app/config/config';
import { ALIPAY_SANDBOX_DEV } from '../../server/alipay-sandbox';
import { SANDBOX_DEV_CREDENTIALS } from '../../server/sandbox';

const PUBLIC = 'https://shop.example.com';
const keyPair = () =>
  generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
const APP_KEYS = keyPair();
const ALIPAY_KEYS = keyPair();
const ALIPAY: Env = { ALIPAY_APP_ID: '2021004100000001', ALIPAY_PRIVATE_KEY: APP_KEYS.privateKey, ALIPAY_PUBLIC_KEY: ALIPAY_KEYS.publicKey };
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
      trustProxy: null,
      requestTimeoutMs: 30000,
      shutdownTimeoutMs: 10000,
      maxPipelinedRequests: 16,
      limits: {
        ordersPerIp: 60,
        ordersPerBuyer: 10,
        notifyRefusalsPerIp: 20,
        refreshIntervalMs: 2000,
        adminFailuresPerIp: 10,
        adminLockoutMs: 300000,
      },
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
    ['TRUST_PROXY neither a hop count nor addresses', { TRUST_PROXY: 'yes' }, 'TRUST_PROXY'],
    ['TRUST_PROXY=true, which would trust every hop', { TRUST_PROXY: 'true' }, 'TRUST_PROXY'],
    ['TRUST_PROXY with a bad address', { TRUST_PROXY: '10.0.0.1, 10.0.0.999' }, 'TRUST_PROXY'],
    ['TRUST_PROXY with a bad CIDR range', { TRUST_PROXY: '10.0.0.0/33' }, 'TRUST_PROXY'],
    ['TRUST_PROXY with a /0 range, which trusts every hop', { TRUST_PROXY: '0.0.0.0/0' }, 'TRUST_PROXY'],
    ['TRUST_PROXY with an IPv6 /0 range', { TRUST_PROXY: '::/0' }, 'TRUST_PROXY'],
    ['a negative rate limit', { RATE_LIMIT_ORDERS_PER_IP: '-1' }, 'RATE_LIMIT_ORDERS_PER_IP'],
    ['a request timeout too short to receive anything', { REQUEST_TIMEOUT_MS: '5' }, 'REQUEST_TIMEOUT_MS'],
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

  it('starts in production with a real Latipay, its credentials, a public URL and an Alipay app', () => {
    const config = loadConfig({ ...LIVE, ...ALIPAY, NODE_ENV: 'production', PUBLIC_BASE_URL: PUBLIC });
    expect(config).toMatchObject({ production: true, sandbox: null, latipay: { baseUrl: 'https://api.latipay.net' } });
    expect(config.alipay).toMatchObject({ appId: '2021004100000001', keyType: 'PKCS8', gatewayUrl: 'https://openapi.alipay.com/gateway.do' });
  });

  it('uses the Alipay stand-in without ALIPAY_APP_ID, and refuses that in production', () => {
    expect(loadConfig({}).alipay).toBeNull();
    expect(refusal({ ...LIVE, NODE_ENV: 'production', PUBLIC_BASE_URL: PUBLIC }).setting).toBe('ALIPAY_APP_ID');
  });

  it('reads the Alipay keys inline (PEM, one line with \\n, PKCS1) or from files, naming a bad one without quoting it', () => {
    const oneLine = APP_KEYS.privateKey.replace(/\n/g, '\\n');
    expect(loadConfig({ ...ALIPAY, ALIPAY_PRIVATE_KEY: oneLine }).alipay?.keyType).toBe('PKCS8');
    const pkcs1 = createPrivateKey(APP_KEYS.privateKey).export({ format: 'pem', type: 'pkcs1' }).toString();
    expect(loadConfig({ ...ALIPAY, ALIPAY_PRIVATE_KEY: pkcs1 }).alipay?.keyType).toBe('PKCS1');
    const file = path.join(dir, 'app-private-key.pem');
    writeFileSync(file, APP_KEYS.privateKey);
    expect(loadConfig({ ...ALIPAY, ALIPAY_PRIVATE_KEY: undefined, ALIPAY_PRIVATE_KEY_PATH: file }).alipay?.appId).toBe('2021004100000001');
    const garbage = 'MIIEnot-a-key-but-secret-looking';
    const bad = refusal({ ...ALIPAY, ALIPAY_PRIVATE_KEY: garbage });
    expect(bad.setting).toBe('ALIPAY_PRIVATE_KEY');
    expect(bad.message).not.toContain(garbage);
    expect(refusal({ ...ALIPAY, ALIPAY_PRIVATE_KEY: undefined }).setting).toBe('ALIPAY_PRIVATE_KEY');
    expect(refusal({ ...ALIPAY, ALIPAY_PRIVATE_KEY_PATH: file }).setting).toBe('ALIPAY_PRIVATE_KEY');
    expect(refusal({ ...ALIPAY, ALIPAY_APP_ID: 'app-1' }).setting).toBe('ALIPAY_APP_ID');
    // The app's own public key where Alipay's belongs: the most common mix-up.
    expect(refusal({ ...ALIPAY, ALIPAY_PUBLIC_KEY: APP_KEYS.publicKey }).setting).toBe('ALIPAY_PUBLIC_KEY');
  });

  it("refuses the stand-in's development keys in production", () => {
    const dev = { ALIPAY_PRIVATE_KEY: ALIPAY_SANDBOX_DEV.appPrivateKey, ALIPAY_PUBLIC_KEY: ALIPAY_SANDBOX_DEV.alipayPublicKey };
    expect(loadConfig({ ...ALIPAY, ...dev }).alipay).not.toBeNull();
    expect(refusal({ ...LIVE, ...ALIPAY, ...dev, NODE_ENV: 'production', PUBLIC_BASE_URL: PUBLIC }).setting).toBe('ALIPAY_PUBLIC_KEY');
  });

  it('reads TRUST_PROXY as the number of proxies in front, or their addresses and ranges', () => {
    expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).toEqual({ hops: 1 });
    expect(loadConfig({ TRUST_PROXY: '0' }).trustProxy).toBeNull();
    expect(loadConfig({ TRUST_PROXY: '10.0.0.1, 192.168.0.0/16,loopback' }).trustProxy).toEqual({
      addresses: ['10.0.0.1', '192.168.0.0/16', 'loopback'],
    });
  });

  it('reads each rate limit, 0 turning it off', () => {
    const { limits } = loadConfig({ RATE_LIMIT_ORDERS_PER_IP: '0', RATE_LIMIT_ORDERS_PER_BUYER: '3', RATE_LIMIT_ADMIN_LOCKOUT_S: '60' });
    expect(limits).toMatchObject({ ordersPerIp: 0, ordersPerBuyer: 3, adminLockoutMs: 60000 });
  });

  it('never prints the credentials of a URL setting', () => {
    const err = refusal({ PUBLIC_BASE_URL: 'https://shop:s3cret-pass@shop.example.com/?x=1' });
    expect(err.setting).toBe('PUBLIC_BASE_URL');
    expect(err.message).not.toContain('s3cret-pass');
    expect(err.message).toContain('***@shop.example.com');
  });

  it('never prints the credentials of a URL setting given without its scheme', () => {
    const err = refusal({ LATIPAY_BASE_URL: 'shop:s3cret-pass@latipay.example.com' });
    expect(err.setting).toBe('LATIPAY_BASE_URL');
    expect(err.message).not.toContain('s3cret-pass');
    expect(err.message).toContain('***@latipay.example.com');
  });

  it('never puts the api key in a refusal', () => {
    const err = refusal({ ...LIVE, LATIPAY_API_KEY: 'has a space', LATIPAY_BASE_URL: 'https://x.example' });
    expect(err.setting).toBe('LATIPAY_API_KEY');
    expect(err.message).not.toContain('has a space');
  });

  it('names CATALOG_PATH when a picture is not in the images folder beside the catalogue', () => {
    const file = path.join(dir, 'catalog-with-picture.json');
    writeFileSync(file, JSON.stringify({ products: [{ id: 'x', name: 'X', description: '', price: '1.00', image: 'x.png' }] }));
    expect(refusal({ CATALOG_PATH: file }).message).toMatch(/^CATALOG_PATH: .*products\[0\]\.image x\.png is not in/);
  });

  it('names CATALOG_PATH when the catalogue has a bad price', () => {
    const file = path.join(dir, 'catalog.json');
    writeFileSync(file, JSON.stringify({ products: [{ id: 'x', name: 'X', description: '', price: '0.001' }] }));
    expect(refusal({ CATALOG_PATH: file }).message).toMatch(/^CATALOG_PATH: .*products\[0\]\.price/);
  });

  it('keeps the data in the SQLite file unless DATABASE_URL names a PostgreSQL database', () => {
    expect(loadConfig({ DATABASE_PATH: path.join(dir, 'shop.sqlite') }).database).toEqual({ kind: 'sqlite', path: path.join(dir, 'shop.sqlite') });
    expect(loadConfig({ DATABASE_URL: 'postgres://shop:pw@db.example:5432/shop' }).database).toEqual({
      kind: 'postgres',
      url: 'postgres://shop:pw@db.example:5432/shop',
      poolMax: 10,
      connectTimeoutMs: 5000,
    });
    const tuned = loadConfig({ DATABASE_URL: 'postgresql://db.example/shop', DATABASE_POOL_MAX: '3', DATABASE_CONNECT_TIMEOUT_MS: '250' });
    expect(tuned.database).toMatchObject({ kind: 'postgres', poolMax: 3, connectTimeoutMs: 250 });
  });

  it.each<[string, string, Env]>([
    ['a DATABASE_URL of another database', 'DATABASE_URL', { DATABASE_URL: 'mysql://shop:pw-s3cret@db.example/shop' }],
    // postgres:// forgotten: `shop:` then reads as the scheme, and the rest as a path.
    ['a DATABASE_URL without its scheme', 'DATABASE_URL', { DATABASE_URL: 'shop:pw-s3cret@db.example/shop' }],
    ['an empty pool', 'DATABASE_POOL_MAX', { DATABASE_URL: 'postgres://db.example/shop', DATABASE_POOL_MAX: '0' }],
    ['a connect timeout that is not a number', 'DATABASE_CONNECT_TIMEOUT_MS', { DATABASE_URL: 'postgres://db.example/shop', DATABASE_CONNECT_TIMEOUT_MS: 'soon' }],
  ])('refuses %s, naming %s without the password', (_what, setting, env) => {
    const err = refusal(env);
    expect(err.setting).toBe(setting);
    expect(err.message.startsWith(setting)).toBe(true);
    expect(err.message).not.toContain('pw-s3cret');
  });

  it('`tsx server/main.ts` whose PostgreSQL cannot be reached prints one line without the password and exits 1', async () => {
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as net.AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const result = spawnSync(process.execPath, [require.resolve('tsx/cli'), 'server/main.ts'], {
      cwd: path.join(__dirname, '../..'),
      env: {
        PATH: process.env.PATH,
        PORT: '0',
        DATABASE_PATH: path.join(dir, 'never.sqlite'),
        DATABASE_URL: `postgres://shop:pw-s3cret@127.0.0.1:${port}/shop`,
        DATABASE_CONNECT_TIMEOUT_MS: '2000',
      },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/ECONNREFUSED|connect/i);
    expect(result.stderr + result.stdout).not.toContain('pw-s3cret');
    expect(result.stdout).toBe('');
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
