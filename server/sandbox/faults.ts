/** Misbehaviour injected into the Latipay endpoints, for testing a merchant's error handling. */
export type FaultEndpoint = 'create' | 'query' | 'refund';
export type FaultKind = 'latipay_error' | 'http_500' | 'delay' | 'malformed';

export const FAULT_ENDPOINTS: readonly FaultEndpoint[] = ['create', 'query', 'refund'];
export const FAULT_KINDS: readonly FaultKind[] = ['latipay_error', 'http_500', 'delay', 'malformed'];

export interface Fault {
  endpoint: FaultEndpoint;
  kind: FaultKind;
  /** Calls still to misbehave. */
  remaining: number;
  delayMs: number;
  code: number;
  message: string;
}

/** Faults per endpoint, used first in, first out: each call takes one from the oldest. */
export class FaultInjector {
  private faults: Fault[] = [];

  add(fault: Fault): void {
    this.faults.push(fault);
  }

  /** The fault the next call to `endpoint` suffers, if any, counted as used. */
  take(endpoint: FaultEndpoint): Fault | undefined {
    const index = this.faults.findIndex((f) => f.endpoint === endpoint);
    if (index < 0) return undefined;
    const fault = this.faults[index];
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.faults.splice(index, 1);
    return { ...fault };
  }

  list(): Fault[] {
    return this.faults.map((f) => ({ ...f }));
  }

  clear(): void {
    this.faults = [];
  }
}
