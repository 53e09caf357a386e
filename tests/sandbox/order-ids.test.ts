import { OrderIdGenerator } from '../../server/sandbox/order-ids';

const at = (iso: string) => new Date(iso);

describe('OrderIdGenerator', () => {
  it('starts from the milliseconds since UTC midnight and only grows', () => {
    const ids = new OrderIdGenerator();
    expect(ids.next(at('2026-11-27T00:00:01.000Z'))).toBe('S2026112700001000');
    expect(ids.next(at('2026-11-27T00:00:01.000Z'))).toBe('S2026112700001001');
    // A clock that went back does not take the sequence back.
    expect(ids.next(at('2026-11-27T00:00:00.500Z'))).toBe('S2026112700001002');
    expect(ids.next(at('2026-11-28T00:00:00.000Z'))).toBe('S2026112800000000');
  });

  it('continues after the last id the store holds for the day', () => {
    const stored: Record<string, string> = { S20261127: 'S2026112750000000' };
    const asked: string[] = [];
    const ids = new OrderIdGenerator((prefix) => {
      asked.push(prefix);
      return stored[prefix];
    });
    expect(ids.next(at('2026-11-27T00:00:01.000Z'))).toBe('S2026112750000001');
    expect(ids.next(at('2026-11-27T00:00:02.000Z'))).toBe('S2026112750000002');
    // Another day with nothing stored: from its own clock again.
    expect(ids.next(at('2026-11-28T00:00:01.000Z'))).toBe('S2026112800001000');
    // The store is asked once per day switched to.
    expect(asked).toEqual(['S20261127', 'S20261128']);
  });

  it('ignores a stored id it cannot read', () => {
    const ids = new OrderIdGenerator(() => 'S20261127garbage');
    expect(ids.next(at('2026-11-27T00:00:01.000Z'))).toBe('S2026112700001000');
  });
});
