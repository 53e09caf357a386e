import { Counter, Histogram, Registry } from 'prom-client';
import type { LatipayCallOutcome } from '../latipay/client';
import type { Storage } from '../store';
import { registerDatabaseGauges } from './database-gauges';

/** Seconds. Latipay answers in tens of milliseconds when well, LATIPAY_TIMEOUT_MS (10 s) at worst. */
const LATIPAY_BUCKETS = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Seconds. Most requests take a few milliseconds; order creation and refreshes wait for Latipay. */
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];


/**
 * The backend's Prometheus metrics (GET /metrics). A registry per app instance, not
 * prom-client's global one: tests start several servers in one process, and each counts its own.
 */
export class ShopMetrics {
  readonly registry = new Registry();

  readonly orderCreations = new Counter({
    name: 'shop_order_creations_total',
    help: 'Orders sent to Latipay to be created, by outcome: created, or the error code answered (latipay_unavailable, latipay_timeout, latipay_error, internal_error)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly latipayCalls = new Counter({
    name: 'shop_latipay_calls_total',
    help: 'Calls to Latipay by operation (create, query, refund) and outcome (ok, rejected, http_error, malformed, timeout, unreachable)',
    labelNames: ['operation', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly latipayDuration = new Histogram({
    name: 'shop_latipay_call_duration_seconds',
    help: 'How long calls to Latipay took, by operation, whatever their outcome',
    labelNames: ['operation'] as const,
    buckets: LATIPAY_BUCKETS,
    registers: [this.registry],
  });

  readonly notifications = new Counter({
    name: 'shop_notifications_total',
    help: 'Latipay notifications received, by outcome: applied, no_change, anomaly, invalid_signature, unknown_order, invalid_request, error',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly reconcilerQueries = new Counter({
    name: 'shop_reconciler_queries_total',
    help: "The reconciler's queries to Latipay, by what Latipay said: paid, failed, pending, or error (no usable answer)",
    labelNames: ['result'] as const,
    registers: [this.registry],
  });

  readonly reconcilerChanges = new Counter({
    name: 'shop_reconciler_changes_total',
    help: 'Orders the reconciler moved to another status (paid: its notification was lost), by the new status',
    labelNames: ['status'] as const,
    registers: [this.registry],
  });

  readonly rateLimitRefusals = new Counter({
    name: 'shop_rate_limit_refusals_total',
    help: 'Requests refused with 429 by an abuse limit, by limit (orders-per-ip, orders-per-buyer, sessions-per-ip, notify-refusals, admin-lockout)',
    labelNames: ['limit'] as const,
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: 'shop_http_request_duration_seconds',
    help: 'HTTP requests by method, route pattern and status code, and how long they took',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: HTTP_BUCKETS,
    registers: [this.registry],
  });

  constructor(storage: Storage) {
    registerDatabaseGauges(this.registry, storage);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The Prometheus text exposition of every metric; the database gauges are read now. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  /** One Latipay call, as latipay/client.ts reports it. */
  recordLatipayCall(operation: string, outcome: LatipayCallOutcome, seconds: number): void {
    this.latipayCalls.inc({ operation, outcome });
    this.latipayDuration.observe({ operation }, seconds);
  }
}
