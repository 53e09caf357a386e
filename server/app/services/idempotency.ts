import { createHash } from 'node:crypto';
import type { AppContext } from '../context';
import type { Stores } from '../store';
import { HttpError, recordedError } from '../errors';
import { nowIso } from '../store/db';

/**
 * Idempotency-Key handling, shared by order creation and refunds: the key's rules, its
 * errors, and callOnce. The keys themselves are stored by store/idempotency-keys.ts.
 */

/** Hash of the request's meaning (validated values), so a reformatted body still matches. */
export function requestHash(values: readonly unknown[]): string {
  return createHash('sha256').update(JSON.stringify(values)).digest('hex');
}

export function idempotencyConflict(): HttpError {
  return new HttpError(409, 'idempotency_conflict', 'this Idempotency-Key was already used with a different request');
}

/** The answer while the request that holds the key is still calling Latipay. */
class StillInProgress extends HttpError {}

export function stillInProgress(): HttpError {
  return new StillInProgress(409, 'idempotency_conflict', 'a request with this Idempotency-Key is still being processed; retry shortly');
}

/** A request that makes one Latipay call, keyed by an optional Idempotency-Key. */
export interface IdempotentRequest {
  scope: string;
  endpoint: string;
  key: string | null;
  /** The request's validated values: hashed (requestHash) to tell a repeat from a different request. */
  meaning: readonly unknown[];
  /** Stored with the key: the order the request is about, and the refund it makes, if any. */
  merchantReference: string;
  refundId: string | null;
}

export interface IdempotentSteps<T> {
  /**
   * Inside the transaction, once the key is claimed: records the new request, or refuses it by
   * throwing an HttpError before it has written anything (the refusal is stored with the key).
   */
  record(tx: Stores, now: string): Promise<void>;
  /**
   * Outside the transaction: calls Latipay and records the outcome. Never throws for a Latipay
   * failure. May resolve with the answer built from what it recorded, saving answer() a read.
   */
  call(): Promise<T | undefined>;
  /**
   * What was recorded for the request: its answer, or the recorded error thrown; stillInProgress()
   * while the request that made it is still calling Latipay.
   */
  answer(id: string): Promise<T>;
}

/** How often, and how long at most, a repeat polls for the answer of a request another instance is making. */
const POLL_MS = 50;

/**
 * The answer of a request made elsewhere: by another instance (PostgreSQL), which this one
 * cannot wait for directly, so it reads the outcome again until it is recorded, for at most
 * `waitMs` (how long the Latipay call may last), then answers that it is still in progress.
 */
async function recordedAnswer<T>(answer: () => Promise<T>, waitMs: number): Promise<T> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      return await answer();
    } catch (err) {
      if (!(err instanceof StillInProgress) || Date.now() >= deadline) throw err;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/**
 * The steps POST /api/orders and refunds share. In one transaction the Idempotency-Key is
 * claimed and the request recorded, or the earlier request under the same key is found (a
 * different request under it is refused). Latipay is called only by the first; a repeat
 * waits for that call if it is still in flight here, then both answer what was recorded.
 * Refusals leave the transaction as values, thrown once it ended: a throw inside would roll
 * back the other requests sharing its commit on SQLite (which then each run again alone).
 */
export async function callOnce<T>(ctx: AppContext, request: IdempotentRequest, steps: IdempotentSteps<T>): Promise<T> {
  // What the request made: the refund when there is one, else the order.
  const ownId = request.refundId ?? request.merchantReference;
  // On PostgreSQL a duplicate key sent to another instance at the same moment waits at
  // claim() for this transaction, then finds the key taken.
  const claimed = await ctx.storage.transaction(async (stores): Promise<{ id: string; replay: boolean } | { refused: HttpError }> => {
    const now = nowIso();
    if (request.key !== null) {
      const row = {
        scope: request.scope,
        endpoint: request.endpoint,
        key: request.key,
        request_hash: requestHash(request.meaning),
        merchant_reference: request.merchantReference,
        refund_id: request.refundId,
        created_at: now,
      };
      if (!(await stores.idempotencyKeys.claim(row))) {
        const earlier = (await stores.idempotencyKeys.find(row.scope, row.endpoint, row.key))!;
        if (earlier.request_hash !== row.request_hash) return { refused: idempotencyConflict() };
        if (earlier.refusal_status !== null) {
          const { refusal_status: status, refusal_code: code, refusal_message: message } = earlier;
          return { refused: recordedError({ status, code, message }, 'the request was refused') };
        }
        return { id: earlier.refund_id ?? earlier.merchant_reference!, replay: true };
      }
      try {
        await steps.record(stores, now);
      } catch (err) {
        if (!(err instanceof HttpError)) throw err;
        await stores.idempotencyKeys.refuse(row, { status: err.statusCode, code: err.code, message: err.message });
        return { refused: err };
      }
      return { id: ownId, replay: false };
    }
    try {
      await steps.record(stores, now);
    } catch (err) {
      if (!(err instanceof HttpError)) throw err;
      return { refused: err };
    }
    return { id: ownId, replay: false };
  });
  if ('refused' in claimed) throw claimed.refused;
  const { id, replay } = claimed;
  const inflightKey = `${request.endpoint}:${id}`;
  if (replay) {
    await ctx.inflight.settled(inflightKey);
    return recordedAnswer(() => steps.answer(id), ctx.config.latipay.timeoutMs + 1000);
  }
  // Without a key no later request can be a repeat of this one, so there is no one to tell.
  const fresh = request.key === null ? await steps.call() : await ctx.inflight.run(inflightKey, steps.call);
  return fresh ?? steps.answer(id);
}
