import { existsSync } from 'node:fs';
import path from 'node:path';
import { startSandbox } from '../../server/sandbox';
import { startReceiver } from '../support/receiver';
import { waitFor } from '../support/wait';
import { storedRows, tempDir } from './persistence-support';
import { ACCOUNT, complete, createBody, createOrder, request } from './sandbox-client';

describe('closing the sandbox', () => {
  it('drops scheduled notifications and lets a request held by a delay fault finish', async () => {
    const receiver = await startReceiver();
    const sandbox = await startSandbox({ ...ACCOUNT, retryMs: 60_000, port: 0 });
    try {
      const { reference } = await createOrder(sandbox.url, `${receiver.url}/notify`);
      await complete(sandbox.url, reference, { notification: 'delay', delayMs: 600_000 });
      await request('POST', `${sandbox.url}/sandbox/faults`, { endpoint: 'create', kind: 'delay', delayMs: 600_000 });
      const held = request('POST', `${sandbox.url}/v2/minialipay`, createBody(`${receiver.url}/notify`));
      // The held request must have reached the sandbox before it closes.
      await waitFor(async () => (await request('GET', `${sandbox.url}/sandbox/faults`)).json.faults.length === 0);
      // Were the 10-minute timers kept, this would outlive the test timeout.
      await sandbox.close();
      expect((await held).json.code).toBe(0);
      expect(receiver.requests).toHaveLength(0);
    } finally {
      await receiver.close();
    }
  });
});

describe('closing a sandbox kept in a SQLite file', () => {
  it('leaves no timer behind, closes the file, and keeps the delivery it still owed', async () => {
    const temp = tempDir();
    const receiver = await startReceiver();
    const databasePath = path.join(temp.dir, 'sandbox.sqlite');
    try {
      const sandbox = await startSandbox({ ...ACCOUNT, retryMs: 60_000, port: 0, databasePath });
      const { reference } = await createOrder(sandbox.url, `${receiver.url}/notify`);
      await complete(sandbox.url, reference, { notification: 'delay', delayMs: 600_000 });
      await request('POST', `${sandbox.url}/sandbox/faults`, { endpoint: 'create', kind: 'delay', delayMs: 600_000 });
      const held = request('POST', `${sandbox.url}/v2/minialipay`, createBody(`${receiver.url}/notify`));
      await waitFor(async () => (await request('GET', `${sandbox.url}/sandbox/faults`)).json.faults.length === 0);
      await sandbox.close();
      // The held request still wrote its order before the file closed.
      expect((await held).json.code).toBe(0);
      expect(receiver.requests).toHaveLength(0);
      expect(existsSync(`${databasePath}-wal`)).toBe(false);
      expect(storedRows(databasePath, 'SELECT COUNT(*) AS n FROM orders')).toEqual([{ n: 2 }]);
      expect(storedRows(databasePath, 'SELECT mode, attempts FROM deliveries')).toEqual([{ mode: 'delay', attempts: 0 }]);
    } finally {
      await receiver.close();
      temp.remove();
    }
  });
});
