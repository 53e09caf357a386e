import { appendPage, refreshFirstPage } from '../../utils/order-list';
import type { OrderList } from '../../utils/order-list';
import type { OrderView } from '../../utils/order-view';

const view = (ref: string): OrderView => ({
  ref,
  status: 'pending',
  productName: 'Ticket',
  lines: [{ productId: 'ticket', label: 'Ticket × 1', lineTotalText: 'NZ$0.01' }],
  amountText: 'NZ$0.01',
  refundedText: null,
  createdText: '',
  paidText: null,
  refunds: [],
});
const list = (refs: string[], nextBefore: string | null): OrderList => ({ orders: refs.map(view), nextBefore });
const refsOf = (l: OrderList): string[] => l.orders.map((o) => o.ref);

describe('appendPage', () => {
  it('adds the older page below, once each, and takes its cursor', () => {
    const next = appendPage(list(['M5', 'M4', 'M3'], 'M3'), list(['M3', 'M2', 'M1'], null));
    expect(refsOf(next)).toEqual(['M5', 'M4', 'M3', 'M2', 'M1']);
    expect(next.nextBefore).toBeNull();
  });
});

describe('refreshFirstPage', () => {
  it('keeps the older pages shown below a first page that reaches them, with their cursor', () => {
    const next = refreshFirstPage(list(['M5', 'M4', 'M3', 'M2'], 'M2'), list(['M6', 'M5', 'M4'], 'M4'));
    expect(refsOf(next)).toEqual(['M6', 'M5', 'M4', 'M3', 'M2']);
    expect(next.nextBefore).toBe('M2');
  });

  it('is the first page alone when it holds everything shown', () => {
    const first = list(['M6', 'M5', 'M4'], 'M4');
    expect(refreshFirstPage(list(['M5', 'M4'], 'M4'), first)).toEqual(first);
  });

  it('is the first page alone when it does not reach the orders shown (no gap in the list)', () => {
    const first = list(['M9', 'M8', 'M7'], 'M7');
    expect(refreshFirstPage(list(['M5', 'M4'], 'M4'), first)).toEqual(first);
  });
});
