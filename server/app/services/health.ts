import type { AppContext } from '../context';

/** GET /healthz: the database answers, and which Latipay this server pays through. */
export function checkHealth(ctx: AppContext): { status: 'ok'; mode: AppContext['mode'] } {
  ctx.stores.ping();
  return { status: 'ok', mode: ctx.mode };
}
