import type { SandboxOrderStatus } from './orders';
import type { CompletionStatus } from './control-input';

/**
 * A pending order completes any way; a failed or canceled one can still be paid (a late
 * payment); a paid order is final.
 */
export function canComplete(from: SandboxOrderStatus, to: CompletionStatus): boolean {
  if (from === 'pending') return true;
  if (from === 'failed' || from === 'canceled') return to === 'paid';
  return false;
}
