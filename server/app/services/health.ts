import type { AppContext } from '../context';

/** GET /healthz: the database answers, and which Latipay this server pays through. */
export async function checkHealth(ctx: AppContext): Promise<{ status: 'ok'; mode: AppContext['mode'] }> {
  await ctx.storage.ping();
  return { status: 'ok', mode: ctx.mode };
}
