import type { PaymentMode } from '../contract';
import type { AppConfig } from './config';
import type { GroupCommit } from './group-commit';
import type { Inflight } from './inflight';
import type { LatipayClient } from './latipay-client';
import type { Stores } from './store';

/** What the routes and services share. */
export interface AppContext {
  config: AppConfig;
  stores: Stores;
  latipay: LatipayClient;
  mode: PaymentMode;
  /** `$PUBLIC_BASE_URL/api/latipay/notify`, known once the server listens. */
  callbackUrl: () => string;
  inflight: Inflight;
  /** Shared commits for the notification burst. */
  groupCommit: GroupCommit;
}
