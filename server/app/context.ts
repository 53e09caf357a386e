import type { PaymentMode } from '../contract';
import type { AppConfig } from './config/config';
import type { LatipayClient } from './latipay/client';
import type { ShopMetrics } from './metrics/shop-metrics';
import type { Inflight } from './services/inflight';
import type { Identity } from './services/sessions';
import type { Storage } from './store';
import type { CounterStore } from './store/counters';

/** What the routes and services share. */
export interface AppContext {
  config: AppConfig;
  /** SQLite or PostgreSQL: reads, and transaction() for every write. */
  storage: Storage;
  latipay: LatipayClient;
  /** Alipay's OpenAPI (or its in-process stand-in): who a my.getAuthCode code stands for. */
  identity: Identity;
  mode: PaymentMode;
  /** This server's own URL as this machine reaches it; throws until the server listens. */
  localUrl: () => string;
  /** `$PUBLIC_BASE_URL/api/latipay/notify`; throws until the server listens when PUBLIC_BASE_URL is unset. */
  callbackUrl: () => string;
  inflight: Inflight;
  /** Counters of the abuse limits and throttles (in memory: per instance). */
  counters: CounterStore;
  /** GET /metrics: this instance's Prometheus metrics. */
  metrics: ShopMetrics;
}
