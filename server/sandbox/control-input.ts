import { FAULT_ENDPOINTS, FAULT_KINDS, type Fault, type FaultEndpoint, type FaultKind } from './faults';
import { isPlainObject } from './latipay-errors';
import { NOTIFICATION_MODES, type NotificationMode } from './notifier';
import type { SandboxOrderStatus } from './orders';

/** Upper bound of any delay the control API accepts: a test waiting longer is broken. */
export const MAX_CONTROL_DELAY_MS = 600_000;

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

export type CompletionStatus = Exclude<SandboxOrderStatus, 'pending'>;
const COMPLETION_STATUSES: readonly CompletionStatus[] = ['paid', 'failed', 'canceled'];

export interface CompleteInput {
  status: CompletionStatus;
  notification: NotificationMode;
  delayMs?: number;
}

function unknownKeys(body: Record<string, unknown>, allowed: readonly string[]): string | null {
  const extra = Object.keys(body).filter((key) => !allowed.includes(key));
  return extra.length > 0 ? `unknown field(s): ${extra.join(', ')} (allowed: ${allowed.join(', ')})` : null;
}

function isOneOf<T extends string>(value: unknown, allowed: readonly T[]): value is T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value);
}

function isDelay(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && value <= MAX_CONTROL_DELAY_MS;
}

/** Body of POST /sandbox/orders/:ref/complete; no body at all means the defaults. */
export function parseCompleteInput(body: unknown): Parsed<CompleteInput> {
  const input = body === undefined || body === null ? {} : body;
  if (!isPlainObject(input)) return { ok: false, message: 'the body must be a JSON object' };
  const extra = unknownKeys(input, ['status', 'notification', 'delayMs']);
  if (extra) return { ok: false, message: extra };
  const status = input.status ?? 'paid';
  if (!isOneOf(status, COMPLETION_STATUSES)) return { ok: false, message: `status must be one of ${COMPLETION_STATUSES.join(', ')}` };
  const notification = input.notification ?? 'deliver';
  if (!isOneOf(notification, NOTIFICATION_MODES)) {
    return { ok: false, message: `notification must be one of ${NOTIFICATION_MODES.join(', ')}` };
  }
  if (input.delayMs !== undefined) {
    if (notification !== 'delay') return { ok: false, message: 'delayMs only applies to notification "delay"' };
    if (!isDelay(input.delayMs)) return { ok: false, message: `delayMs must be an integer from 0 to ${MAX_CONTROL_DELAY_MS}` };
  }
  return { ok: true, value: { status, notification, delayMs: input.delayMs as number | undefined } };
}

const DEFAULT_FAULT_MESSAGE = 'Injected failure (sandbox fault)';

/** Body of POST /sandbox/faults. */
export function parseFaultInput(body: unknown): Parsed<Fault> {
  if (!isPlainObject(body)) return { ok: false, message: 'the body must be a JSON object' };
  const extra = unknownKeys(body, ['endpoint', 'kind', 'times', 'delayMs', 'code', 'message']);
  if (extra) return { ok: false, message: extra };
  if (!isOneOf<FaultEndpoint>(body.endpoint, FAULT_ENDPOINTS)) {
    return { ok: false, message: `endpoint must be one of ${FAULT_ENDPOINTS.join(', ')}` };
  }
  if (!isOneOf<FaultKind>(body.kind, FAULT_KINDS)) return { ok: false, message: `kind must be one of ${FAULT_KINDS.join(', ')}` };
  const times = body.times ?? 1;
  if (typeof times !== 'number' || !Number.isSafeInteger(times) || times < 1 || times > 1000) {
    return { ok: false, message: 'times must be an integer from 1 to 1000' };
  }
  if (body.kind === 'delay') {
    if (!isDelay(body.delayMs)) return { ok: false, message: `kind "delay" needs delayMs, an integer from 0 to ${MAX_CONTROL_DELAY_MS}` };
  } else if (body.delayMs !== undefined) {
    return { ok: false, message: 'delayMs only applies to kind "delay"' };
  }
  if (body.kind !== 'latipay_error' && (body.code !== undefined || body.message !== undefined)) {
    return { ok: false, message: 'code and message only apply to kind "latipay_error"' };
  }
  const code = body.code ?? 1;
  if (typeof code !== 'number' || !Number.isSafeInteger(code) || code < 1 || code > 99999) {
    return { ok: false, message: 'code must be a non-zero Latipay code, an integer from 1 to 99999' };
  }
  const message = body.message ?? DEFAULT_FAULT_MESSAGE;
  if (typeof message !== 'string' || message.length > 500) return { ok: false, message: 'message must be a string of at most 500 characters' };
  return {
    ok: true,
    value: { endpoint: body.endpoint, kind: body.kind, remaining: times, delayMs: (body.delayMs as number | undefined) ?? 0, code, message },
  };
}
