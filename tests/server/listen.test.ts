import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from '../../server/app/config/config';
import { startTestServer } from '../support/server';

async function refusal(env: Record<string, string>): Promise<ConfigError> {
  const err = await startTestServer({ env }).then(
    async (server) => {
      await server.close();
      return new Error('the server started');
    },
    (error: unknown) => error,
  );
  if (err instanceof ConfigError) return err;
  throw err;
}

describe('start-up refuses an address it cannot listen on, naming the setting', () => {
  it('a HOST that does not resolve', async () => {
    const err = await refusal({ HOST: 'nonexistent.invalid' });
    expect(err.setting).toBe('HOST');
    expect(err.message).toMatch(/^HOST: "nonexistent\.invalid"/);
  });

  it('a PORT in use', async () => {
    const busy = net.createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = busy.address() as net.AddressInfo;
      const err = await refusal({ PORT: String(port) });
      expect(err.setting).toBe('PORT');
      expect(err.message).toContain(`port ${port} is already in use`);
    } finally {
      await new Promise((resolve) => busy.close(resolve));
    }
  });

  it('`tsx server/main.ts` prints one line naming HOST and exits 1', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'shop-listen-'));
    const result = spawnSync(process.execPath, [require.resolve('tsx/cli'), 'server/main.ts'], {
      cwd: path.join(__dirname, '../..'),
      env: { PATH: process.env.PATH, HOST: 'nonexistent.invalid', PORT: '0', DATABASE_PATH: path.join(dir, 'shop.sqlite') },
      encoding: 'utf8',
      timeout: 30_000,
    });
    rmSync(dir, { recursive: true, force: true });
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^Configuration error: HOST: /)]);
  });
});
