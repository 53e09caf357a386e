export { FakeMy, STORAGE_LIMITS, AUTH_CODE_FAILURE, DEFAULT_ALIPAY_USER, authCodeFor, alipayUserOf } from './fake-my';
export type { AuthCodeReply, Cashier, CashierReply, FakeMyOptions, FakeReply, FakeRequest, HttpErrorDelivery, Lifecycle, Responder } from './fake-my';
export { FakeBackend, BASE_URL, PRODUCTS, ORDERS_PAGE_SIZE, SESSION_TTL_MS, gatewaydataFor, summaryOf } from './fake-backend';
export { MiniRuntime, createRuntime, PROJECT_ROOT, MAX_PAGE_STACK, resolveComponentPath, isLocalComponent } from './runtime';
export type { PageInstance, ComponentInstance, MountedComponent, RuntimeOptions } from './runtime';
export { applySetData, parsePath, cloneData } from './set-data';
export { installFakeMy } from './install';
export { HttpTransport } from './http-transport';
export type { Exchange, Hold } from './http-transport';
