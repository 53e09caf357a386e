import { mapResultCode } from '../../utils/result-code';
import type { PaymentOutcome } from '../../utils/result-code';

const CASES: Array<[number, PaymentOutcome]> = [
  [9000, 'success'],
  [8000, 'processing'],
  [6004, 'processing'],
  [6001, 'cancelled'],
  [99, 'cancelled'],
  [6002, 'network_error'],
  [4000, 'failed'],
  [4, 'failed'],
  [1234, 'failed'],
];

describe('mapResultCode', () => {
  it.each(CASES)('%d as a number is %s', (code, outcome) => {
    expect(mapResultCode(code)).toMatchObject({ outcome, code: String(code) });
  });

  it.each(CASES)('%d as a string is %s', (code, outcome) => {
    expect(mapResultCode(String(code))).toMatchObject({ outcome, code: String(code) });
  });

  it('gives the same answer for a code as string and as number', () => {
    for (const [code] of CASES) expect(mapResultCode(code)).toEqual(mapResultCode(String(code)));
  });

  it.each(CASES)('%d has a message in Simplified Chinese and in English', (code) => {
    const { message } = mapResultCode(code);
    expect(message['zh-CN']).toMatch(/[\u4e00-\u9fff]/);
    expect(message.en).toMatch(/^[\x20-\x7e]+$/);
  });

  it('gives each known code its own message', () => {
    const known = CASES.slice(0, 8).map(([code]) => mapResultCode(code).message.en);
    expect(new Set(known).size).toBe(known.length);
    expect(mapResultCode(6001).message.en).toMatch(/cancelled/);
    expect(mapResultCode('6002').message['zh-CN']).toContain('网络');
  });

  it('names an unknown code in its message', () => {
    expect(mapResultCode('7777').message.en).toContain('7777');
    expect(mapResultCode(7777).message['zh-CN']).toContain('7777');
  });

  it.each([undefined, null, '', '  ', 'abc', 'fail', '9000x', 9000.5, NaN])('treats %p as a failure', (code) => {
    expect(mapResultCode(code as string | number | null | undefined).outcome).toBe('failed');
  });

  it('trims whitespace around a code', () => {
    expect(mapResultCode(' 9000 ').outcome).toBe('success');
  });

  it('is not fooled by inherited object keys', () => {
    expect(mapResultCode('constructor').outcome).toBe('failed');
    expect(mapResultCode('toString').outcome).toBe('failed');
  });
});
