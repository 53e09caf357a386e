import { customerIpv4 } from '../../server/app/http/customer-ip';

describe('customer IPv4 sent to Latipay', () => {
  it('keeps IPv4 and unwraps an IPv4-mapped IPv6 peer', () => {
    expect(customerIpv4('122.122.122.1')).toBe('122.122.122.1');
    expect(customerIpv4('::ffff:10.1.2.3')).toBe('10.1.2.3');
    expect(customerIpv4('::FFFF:10.1.2.3')).toBe('10.1.2.3');
  });

  it('sends 127.0.0.1 for peers without an IPv4 form', () => {
    expect(customerIpv4('::1')).toBe('127.0.0.1');
    expect(customerIpv4('2001:db8::1')).toBe('127.0.0.1');
    expect(customerIpv4('::ffff:not-an-ip')).toBe('127.0.0.1');
    expect(customerIpv4(undefined)).toBe('127.0.0.1');
  });
});
