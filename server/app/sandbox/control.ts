export interface Completion {
  status: 'paid' | 'failed';
  notification: 'deliver' | 'delay' | 'drop';
}

export type ControlResult =
  | { ok: true }
  /** The control API answered with an error (`{error: {code, message}}`). */
  | { ok: false; kind: 'refused'; httpStatus: number; code: string; message: string }
  | { ok: false; kind: 'unreachable' | 'timeout' };

function refusal(httpStatus: number, text: string): ControlResult {
  let error: { code?: unknown; message?: unknown } | undefined;
  try {
    error = (JSON.parse(text) as { error?: { code?: unknown; message?: unknown } }).error;
  } catch {
    error = undefined;
  }
  return {
    ok: false,
    kind: 'refused',
    httpStatus,
    code: typeof error?.code === 'string' ? error.code : 'unknown',
    message: typeof error?.message === 'string' ? error.message : `HTTP ${httpStatus}`,
  };
}

/** The sandbox's control API, called over HTTP like any other client of it. */
export class SandboxControl {
  constructor(private readonly options: { baseUrl: () => string; timeoutMs: number }) {}

  /** POST /sandbox/orders/{ref}/complete: the order is paid or failed as a shopper would. */
  async complete(merchantReference: string, completion: Completion): Promise<ControlResult> {
    const signal = AbortSignal.timeout(this.options.timeoutMs);
    try {
      const response = await fetch(
        `${this.options.baseUrl()}/sandbox/orders/${encodeURIComponent(merchantReference)}/complete`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(completion),
          signal,
        },
      );
      const text = await response.text();
      return response.status === 200 ? { ok: true } : refusal(response.status, text);
    } catch {
      return { ok: false, kind: signal.aborted ? 'timeout' : 'unreachable' };
    }
  }
}
