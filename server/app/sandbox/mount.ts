import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { sandboxPlugin, type SandboxOptions } from '../../sandbox';
import { HttpError } from '../errors';

/** Where the backend mounts the in-process sandbox: its Latipay API and its control API under it. */
export const IN_PROCESS_SANDBOX_PREFIX = '/latipay-sandbox';

const MAPPED_IPV4 = /^::ffff:/i;

/**
 * Whether a connection comes from this machine: a loopback peer, or one whose address is
 * the very address it reached us at (a local client calling a LAN address we listen on).
 */
export function isLocalPeer(remote: string | undefined, local: string | undefined): boolean {
  if (!remote) return false;
  const peer = remote.replace(MAPPED_IPV4, '');
  return peer === '::1' || peer.startsWith('127.') || peer === local?.replace(MAPPED_IPV4, '');
}

/** From this machine and not relayed by a proxy (a tunnel to localhost makes every peer look local). */
function isFromThisMachine(request: FastifyRequest): boolean {
  const relayed = request.headers['x-forwarded-for'] !== undefined || request.headers.forwarded !== undefined;
  return !relayed && isLocalPeer(request.socket.remoteAddress, request.socket.localAddress);
}

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
        const message = 'the sandbox control API only answers requests from this machine; set SANDBOX_REMOTE_CONTROL=1 to allow others';
        return reply.code(403).send(new HttpError(403, 'forbidden', message).toResponse());
      }
    });
  }
  await app.register(sandboxPlugin, sandbox);
};
