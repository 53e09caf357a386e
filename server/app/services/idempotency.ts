import { createHash } from 'node:crypto';
import type { AppContext } from '../context';
import type { Stores } from '../store';
import type { IdempotencyRow } from '../store/idempotency-keys';
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

/** A request's key claimed: what it makes (`replay`: an earlier request under the key made it), or its refusal. */
export type Claim = { id: string; replay: boolean } | { refused: HttpError };

/** A claim of a new request, which its caller records. */
const isNew = (claim: Claim): boolean => !('refused' in claim) && !claim.replay;

export interface IdempotentSteps<T> {
  /**
   * In one transaction: claims the key (claimKeys) and records the new request, or finds the
   * earlier one under the key; a refusal is stored with the key. claimAndRecord() does it for
   * one request.
   */
  claim(): Promise<Claim>;
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

/** What the request made: the refund when there is one, else the order. */
const ownId = (request: IdempotentRequest) => request.refundId ?? request.merchantReference;

/** The row a request's Idempotency-Key is stored as; null for a request without a key. */
export function keyRowOf(request: IdempotentRequest, now: string): IdempotencyRow | null {
  if (request.key === null) return null;
  return {
    scope: request.scope,
    endpoint: request.endpoint,
    key: request.key,
    request_hash: requestHash(request.meaning),
    merchant_reference: request.merchantReference,
    refund_id: request.refundId,
    created_at: now,
  };
}

/**
 * What each request is, once its key (`rows[i]`) was claimed or not (`claimed[i]`): a request
 * without a key, or whose key it claimed, is new; one whose key was taken is a replay of the
 * earlier request, or refused when the earlier request was different or was itself refused.
 */
export async function claimsOf(stores: Pick<Stores, 'idempotencyKeys'>, requests: IdempotentRequest[], rows: (IdempotencyRow | null)[], claimed: boolean[]): Promise<Claim[]> {
  const claims: Claim[] = [];
  for (const [i, request] of requests.entries()) {
    const row = rows[i];
    if (row === null || claimed[i]) {
      claims.push({ id: ownId(request), replay: false });
      continue;
    }
    const earlier = (await stores.idempotencyKeys.find(row.scope, row.endpoint, row.key))!;
    if (earlier.request_hash !== row.request_hash) {
      claims.push({ refused: idempotencyConflict() });
    } else if (earlier.refusal_status !== null) {
      const { refusal_status: status, refusal_code: code, refusal_message: message } = earlier;
      claims.push({ refused: recordedError({ status, code, message }, 'the request was refused') });
    } else {
      claims.push({ id: earlier.refund_id ?? earlier.merchant_reference!, replay: true });
    }
  }
  return claims;
}

/**
 * Inside a transaction: claims each request's key, all in one statement (claimsOf says what
 * each request is; a new one is recorded by the caller in the same transaction). On PostgreSQL
 * a duplicate key sent to another instance at the same moment waits here for that
 * transaction, then finds the key taken.
 */
export async function claimKeys(stores: Stores, requests: IdempotentRequest[], now: string): Promise<Claim[]> {
  const rows = requests.map((request) => keyRowOf(request, now));
  const stored = await stores.idempotencyKeys.claimMany(rows.filter((row) => row !== null));
  let next = 0;
  const claimed = rows.map((row) => row !== null && stored[next++]);
  return claimsOf(stores, requests, rows, claimed);
}

/**
 * claim() for one request, in a transaction of its own: the key claimed, then the request
 * recorded by `record`, which may refuse it by throwing an HttpError before it has written
 * anything (the refusal is stored with the key). Refusals leave the transaction as values,
 * thrown once it ended: a throw inside would roll back the other requests sharing its commit
 * on SQLite (which then each run again alone).
 */
export function claimAndRecord(ctx: AppContext, request: IdempotentRequest, record: (tx: Stores, now: string) => Promise<void>): Promise<Claim> {
  return ctx.storage.transaction(async (stores): Promise<Claim> => {
    const now = nowIso();
    const [claim] = await claimKeys(stores, [request], now);
    if (!isNew(claim)) return claim;
    try {
      await record(stores, now);
    } catch (err) {
      if (!(err instanceof HttpError)) throw err;
      const { scope, endpoint, key } = request;
      if (key !== null) await stores.idempotencyKeys.refuse({ scope, endpoint, key }, { status: err.statusCode, code: err.code, message: err.message });
      return { refused: err };
    }
    return claim;
  });
}

/**
 * The steps POST /api/orders and refunds share: the key claimed and the request recorded
 * (steps.claim), or the earlier request under the same key found (a different request under
 * it is refused). Latipay is called only by the first; a repeat waits for that call if it is
 * still in flight here, then both answer what was recorded.
 */
export async function callOnce<T>(ctx: AppContext, request: IdempotentRequest, steps: IdempotentSteps<T>): Promise<T> {
  const claimed = await steps.claim();
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
