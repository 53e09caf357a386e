/** The Latipay sandbox: a local, stateful stand-in for Latipay (see README, "Latipay sandbox"). */
export {
  SANDBOX_DEV_CREDENTIALS,
  sandboxOptionsFromEnv,
  usesDevCredentials,
  type SandboxOptions,
} from './options';
export {
  DEFAULT_SANDBOX_DATABASE_PATH,
  inProcessSandboxDatabasePath,
  sandboxDatabasePathFromEnv,
} from './database-path';
export { SandboxDatabaseError } from './store';
export { sandboxPlugin } from './plugin';
export { startSandbox, type LogStream, type RunningSandbox, type StartSandboxOptions } from './server';
export type { NotificationAttempt, SandboxOrderStatus, SandboxOrderView } from './orders';
export type { NotificationMode } from './notifier';
export type { FaultEndpoint, FaultKind } from './faults';
export { SANDBOX_ALIPAY_PARTNER_KEY, alipayMd5Sign } from './gateway-data';
