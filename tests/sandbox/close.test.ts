import { startSandbox } from '../../server/sandbox';
import { startReceiver } from '../support/receiver';
import { waitFor } from '../support/wait';
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
