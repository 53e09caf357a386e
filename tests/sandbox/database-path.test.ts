import path from 'node:path';
import { DEFAULT_SANDBOX_DATABASE_PATH, inProcessSandboxDatabasePath, sandboxDatabasePathFromEnv } from '../../server/sandbox';

const ROOT = path.resolve(__dirname, '../..');

describe('sandboxDatabasePathFromEnv (npm run sandbox)', () => {
  it('defaults to data/sandbox.sqlite under the project root, wherever it runs from', () => {
    expect(DEFAULT_SANDBOX_DATABASE_PATH).toBe(path.join(ROOT, 'data', 'sandbox.sqlite'));
    expect(sandboxDatabasePathFromEnv({}, '/somewhere/else')).toBe(DEFAULT_SANDBOX_DATABASE_PATH);
    expect(sandboxDatabasePathFromEnv({ SANDBOX_DATABASE_PATH: '  ' }, '/somewhere/else')).toBe(DEFAULT_SANDBOX_DATABASE_PATH);
  });

  it('resolves a relative path against the working directory, trimmed', () => {
    expect(sandboxDatabasePathFromEnv({ SANDBOX_DATABASE_PATH: ' state/sb.sqlite ' }, '/srv/app')).toBe('/srv/app/state/sb.sqlite');
    expect(sandboxDatabasePathFromEnv({ SANDBOX_DATABASE_PATH: '/var/lib/sb.sqlite' }, '/srv/app')).toBe('/var/lib/sb.sqlite');
  });

  it('takes another fallback (the backend: beside its own database)', () => {
    const beside = inProcessSandboxDatabasePath('/srv/app/data/shop.sqlite');
    expect(sandboxDatabasePathFromEnv({}, '/srv/app', beside)).toBe('/srv/app/data/shop-sandbox.sqlite');
    expect(sandboxDatabasePathFromEnv({ SANDBOX_DATABASE_PATH: 'sb.sqlite' }, '/srv/app', beside)).toBe('/srv/app/sb.sqlite');
  });

  it('keeps :memory: (in memory, no file)', () => {
    expect(sandboxDatabasePathFromEnv({ SANDBOX_DATABASE_PATH: ':memory:' }, '/srv/app')).toBe(':memory:');
    expect(sandboxDatabasePathFromEnv({ SANDBOX_DATABASE_PATH: ' :memory: ' }, '/srv/app')).toBe(':memory:');
  });
});

describe('inProcessSandboxDatabasePath (the backend mounting the sandbox)', () => {
  it("puts the sandbox's file beside the backend's database, named after it", () => {
    expect(inProcessSandboxDatabasePath('/srv/app/data/shop.sqlite')).toBe('/srv/app/data/shop-sandbox.sqlite');
    expect(inProcessSandboxDatabasePath('/tmp/test-x/db')).toBe('/tmp/test-x/db-sandbox.sqlite');
    expect(inProcessSandboxDatabasePath(path.join(ROOT, 'data', 'shop.sqlite'))).not.toBe(DEFAULT_SANDBOX_DATABASE_PATH);
  });

  it('keeps a backend in memory in memory', () => {
    expect(inProcessSandboxDatabasePath(':memory:')).toBe(':memory:');
  });
});
