import { REFERENCE_PATTERN, newMerchantReference, newRefundId } from '../../server/app/store/ids';

describe('merchant references and refund ids', () => {
  it('start with the creation time, so later orders sort after earlier ones', () => {
    const at = Date.UTC(2026, 10, 27, 12, 0, 0);
    const refs = [at, at + 1, at + 1000, at + 86_400_000].map((t) => newMerchantReference(t));
    expect([...refs].sort()).toEqual(refs);
    expect(refs[0].slice(1, 13)).toBe(at.toString(16).padStart(12, '0'));
    for (const ref of refs) {
      expect(ref).toMatch(/^M[0-9a-f]{42}$/);
      expect(ref).toMatch(REFERENCE_PATTERN);
    }
  });

  it('carry 120 random bits: never the same twice, even in the same millisecond and across pool refills', () => {
    const at = Date.now();
    const refs = Array.from({ length: 5000 }, () => newMerchantReference(at)); // ~18 pool refills
    expect(new Set(refs).size).toBe(refs.length);
    const randomParts = new Set(refs.map((ref) => ref.slice(13)));
    expect(randomParts.size).toBe(refs.length);
    const ids = Array.from({ length: 1000 }, () => newRefundId());
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^R[0-9a-f]{24}$/);
  });
});
