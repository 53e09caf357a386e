import type { PaymentMode } from '../contract';
import type { AppConfig } from './config/config';
import type { LatipayClient } from './latipay/client';
import type { Inflight } from './services/inflight';
import type { Stores } from './store';
import type { GroupCommit } from './store/group-commit';

/** What the routes and services share. */
export interface AppContext {
  config: AppConfig;
  stores: Stores;
  latipay: LatipayClient;
  mode: PaymentMode;
  /** This server's own URL as this machine reaches it; throws until the server listens. */
  localUrl: () => string;
  /** `$PUBLIC_BASE_URL/api/latipay/notify`; throws until the server listens when PUBLIC_BASE_URL is unset. */
  callbackUrl: () => string;
  inflight: Inflight;
  /** Writes queued in one event-loop turn share one commit. */
  groupCommit: GroupCommit;
}
