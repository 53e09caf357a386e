import type { FastifyPluginAsync } from 'fastify';
import { sandboxPlugin, type SandboxOptions } from '../../sandbox';
import { HttpError } from '../errors';
import { LOCAL_ONLY_MESSAGE, isFromThisMachine } from './local-only';

/** Where the backend mounts the in-process sandbox: its Latipay API and its control API under it. */
export const IN_PROCESS_SANDBOX_PREFIX = '/latipay-sandbox';

export interface InProcessSandboxOptions {
  sandbox: SandboxOptions;
  /** SANDBOX_REMOTE_CONTROL=1: let any peer use the control API. */
  remoteControl: boolean;
}

/**
 * The Latipay sandbox as the backend mounts it. Its control API (`/sandbox/*`: settle
 * orders, inject faults, list every merchant reference) answers only requests from this
 * machine, unless remoteControl: with HOST=0.0.0.0 anyone on the network could otherwise
 * pay any order. Latipay's own endpoints stay open, as Latipay's are.
 */
export const inProcessSandbox: FastifyPluginAsync<InProcessSandboxOptions> = async (app, { sandbox, remoteControl }) => {
  if (!remoteControl) {
    const control = `${app.prefix}/sandbox/`;
    app.addHook('onRequest', async (request, reply) => {
      if (request.routeOptions.url?.startsWith(control) && !isFromThisMachine(request)) {
        return reply.code(403).send(new HttpError(403, 'forbidden', LOCAL_ONLY_MESSAGE).toResponse());
      }
    });
  }
  await app.register(sandboxPlugin, sandbox);
};
