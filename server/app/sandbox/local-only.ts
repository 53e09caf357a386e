import type { FastifyRequest } from 'fastify';

const MAPPED_IPV4 = /^::ffff:/i;
/** Headers a proxy or tunnel adds: a request carrying one was relayed, whatever its peer. */
const RELAY_HEADERS = ['x-forwarded-for', 'forwarded', 'x-real-ip'] as const;

/**
 * Whether a connection comes from this machine: a loopback peer, or one whose address is
 * the very address it reached us at (a local client calling a LAN address we listen on).
 */
export function isLocalPeer(remote: string | undefined, local: string | undefined): boolean {
  if (!remote) return false;
  const peer = remote.replace(MAPPED_IPV4, '');
  return peer === '::1' || peer.startsWith('127.') || peer === local?.replace(MAPPED_IPV4, '');
}

/**
 * From this machine and not relayed by a proxy (a tunnel to localhost makes every peer look
 * local). The socket's peer is used, never the client IP a trusted proxy reports.
 */
export function isFromThisMachine(request: FastifyRequest): boolean {
  const relayed = RELAY_HEADERS.some((name) => request.headers[name] !== undefined);
  return !relayed && isLocalPeer(request.socket.remoteAddress, request.socket.localAddress);
}

export const LOCAL_ONLY_MESSAGE =
  'the sandbox control API and cashier only answer requests from this machine; set SANDBOX_REMOTE_CONTROL=1 to allow others';
