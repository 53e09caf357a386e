import type { FastifyInstance } from 'fastify';
import { parseFaultInput } from '../control-input';
import { sendControlError } from '../http-errors';
import type { SandboxState } from '../state';
import { CONTROL_BODY_LIMIT } from './limits';

/** Control API: make the next calls to a Latipay endpoint misbehave. */
export function registerControlFaults(app: FastifyInstance, state: SandboxState): void {
  app.post('/sandbox/faults', { bodyLimit: CONTROL_BODY_LIMIT }, async (request, reply) => {
    const input = parseFaultInput(request.body);
    if (!input.ok) return sendControlError(reply, 400, 'invalid_request', input.message);
    state.faults.add(input.value);
    return { faults: state.faults.list() };
  });

  app.get('/sandbox/faults', async () => ({ faults: state.faults.list() }));

  app.delete('/sandbox/faults', async () => {
    state.faults.clear();
    return { faults: [] };
  });
}
