import type { FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import type { FaultEndpoint } from '../faults';
import { latipayError } from '../latipay-errors';
import type { SandboxState } from '../state';

type Handler = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

/** What a merchant's JSON parser must survive: HTTP 200 and a cut-off body. */
const MALFORMED_BODY = '{"code":0,"message":"SUCC';

/**
 * Wraps a Latipay endpoint's handler with the fault injector: the next call may answer a
 * Latipay error, HTTP 500, a malformed body, or be answered normally after a delay.
 */
export function withFaults(state: SandboxState, endpoint: FaultEndpoint, handler: Handler): RouteHandlerMethod {
  return async function faultyHandler(request, reply) {
    const fault = state.faults.take(endpoint);
    if (fault?.kind === 'latipay_error') return latipayError(fault.code, fault.message);
    if (fault?.kind === 'http_500') {
      return reply.code(500).send({ status: 500, error: 'Internal Server Error' });
    }
    if (fault?.kind === 'malformed') {
      return reply.code(200).type('application/json;charset=UTF-8').send(MALFORMED_BODY);
    }
    if (fault?.kind === 'delay') await state.timers.sleep(fault.delayMs);
    return handler(request, reply);
  };
}

/** Counts every request that reaches the endpoint, even one whose body fails to parse. */
export function countCalls(state: SandboxState, endpoint: FaultEndpoint) {
  return async function countCall(): Promise<void> {
    state.calls[endpoint] += 1;
  };
}
