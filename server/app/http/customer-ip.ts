import { isIPv4 } from 'node:net';

const MAPPED_PREFIX = '::ffff:';

/**
 * Latipay wants the customer's IPv4 address. An IPv4-mapped IPv6 peer (`::ffff:1.2.3.4`) is
 * converted; any other peer that has no IPv4 form (`::1`, a real IPv6 address) is sent as
 * `127.0.0.1`, because Latipay accepts nothing else and the field is informative only.
 */
export function customerIpv4(peer: string | undefined): string {
  if (!peer) return '127.0.0.1';
  if (isIPv4(peer)) return peer;
  if (peer.toLowerCase().startsWith(MAPPED_PREFIX)) {
    const mapped = peer.slice(MAPPED_PREFIX.length);
    if (isIPv4(mapped)) return mapped;
  }
  return '127.0.0.1';
}
