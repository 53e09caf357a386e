export { FakeMy, STORAGE_LIMITS } from './fake-my';
export type { Cashier, CashierReply, FakeMyOptions, FakeReply, FakeRequest, HttpErrorDelivery, Lifecycle, Responder } from './fake-my';
export { FakeBackend, BASE_URL, PRODUCTS, gatewaydataFor } from './fake-backend';
export { MiniRuntime, createRuntime, PROJECT_ROOT, MAX_PAGE_STACK, resolveComponentPath, isLocalComponent } from './runtime';
export type { PageInstance, ComponentInstance, MountedComponent, RuntimeOptions } from './runtime';
export { applySetData, parsePath, cloneData } from './set-data';
export { installFakeMy } from './install';
export { HttpTransport } from './http-transport';
export type { Exchange, Hold } from './http-transport';
