import { ListeningAddress } from '../../server/app/http/listening-address';

describe('ListeningAddress', () => {
  it('refuses to give a URL before the server listens, so no host-less callback URL is ever sent', () => {
    const address = new ListeningAddress();
    expect(() => address.get()).toThrow('not listening yet');
  });

  it('gives the bound address, with a wildcard address as loopback and IPv6 in brackets', () => {
    const address = new ListeningAddress();
    expect(address.set({ address: '0.0.0.0', family: 'IPv4', port: 3000 })).toBe('http://127.0.0.1:3000');
    expect(address.get()).toBe('http://127.0.0.1:3000');
    expect(address.set({ address: '::1', family: 'IPv6', port: 8080 })).toBe('http://[::1]:8080');
    expect(() => address.set('/tmp/socket')).toThrow('TCP port');
  });
});
