/** A stand-in for Alipay's OpenAPI gateway, answering alipay.system.oauth.token (see README.md). */
export { ALIPAY_SANDBOX_APP_ID, ALIPAY_SANDBOX_DEV } from './dev-credentials';
export { alipaySandboxPlugin } from './plugin';
export type { AlipaySandboxOptions } from './options';
export { startAlipaySandbox, type RunningAlipaySandbox, type StartAlipaySandboxOptions } from './server';
