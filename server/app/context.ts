import type { PaymentMode } from '../contract';
import type { AppConfig } from './config/config';
import type { LatipayClient } from './latipay/client';
import type { Inflight } from './services/inflight';
import type { Identity } from './services/sessions';
import type { Stores } from './store';
import type { CounterStore } from './store/counters';
import type { GroupCommit } from './store/group-commit';

/** What the routes and services share. */
export interface AppContext {
  config: AppConfig;
  stores: Stores;
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
  /** Writes queued in one event-loop turn share one commit. */
  groupCommit: GroupCommit;
}
