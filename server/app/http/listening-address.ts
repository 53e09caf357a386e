import type { AddressInfo } from 'node:net';

/**
 * Where the server listens, known only once `listen` has returned (PORT=0 picks a port).
 * Anything that builds a URL from it before then gets an error, never a host-less URL.
 */
export class ListeningAddress {
  private url: string | null = null;

  /** Records the address `listen` bound; a wildcard address becomes loopback, which this machine can call. */
  set(address: AddressInfo | string | null): string {
    if (address === null || typeof address === 'string') throw new Error('the server is not listening on a TCP port');
    const wildcard = address.address === '0.0.0.0' || address.address === '::';
    const host = wildcard ? '127.0.0.1' : address.family === 'IPv6' ? `[${address.address}]` : address.address;
    this.url = `http://${host}:${address.port}`;
    return this.url;
  }

  /** e.g. http://127.0.0.1:3000; throws before the server listens. */
  get(): string {
    if (this.url === null) throw new Error('the server is not listening yet');
    return this.url;
  }
}
