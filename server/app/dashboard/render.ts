import type { FastifyReply, FastifyRequest } from 'fastify';
import { formatCents } from '../../latipay/amount';
import type { AppContext } from '../context';
import { formatDateTime } from '../services/dashboard-time';
import { fromAcceptLanguage, isLang, translator, type Lang } from './i18n';
import { DASHBOARD_PATH, cookieOptions, csrfUserInfo, sessionOf } from './session';

const LANG_COOKIE = 'admin_lang';
const YEAR_S = 365 * 24 * 3600;

/** ?lang=zh|en, else the language chosen before (a cookie), else Accept-Language. */
function langOf(request: FastifyRequest): { lang: Lang; chosen: boolean } {
  const asked = (request.query as Record<string, unknown> | undefined)?.lang;
  if (isLang(asked)) return { lang: asked, chosen: true };
  const kept = request.cookies[LANG_COOKIE];
  if (isLang(kept)) return { lang: kept, chosen: false };
  return { lang: fromAcceptLanguage(request.headers['accept-language']), chosen: false };
}

/** `url` (a path and query) with lang set. */
function withLang(url: string, lang: Lang): string {
  const parsed = new URL(url, 'http://dashboard.invalid');
  parsed.searchParams.set('lang', lang);
  return `${parsed.pathname}${parsed.search}`;
}

export interface RenderOptions {
  status?: number;
  /** Where the language switch leads; this request's URL unless it was a form's POST. */
  switchTo?: string;
}

export type Render = (request: FastifyRequest, reply: FastifyReply, view: string, data?: Record<string, unknown>, options?: RenderOptions) => Promise<FastifyReply>;

/**
 * Renders a page with what every page's layout needs: the language and its strings, the
 * session, a CSRF token for its forms (sign-out included), and formatting of money and of
 * times in DASHBOARD_TIME_ZONE.
 */
export function renderer(ctx: AppContext): Render {
  const { timeZone } = ctx.config.dashboard;
  return async (request, reply, view, data = {}, options = {}) => {
    const { lang, chosen } = langOf(request);
    if (chosen) void reply.setCookie(LANG_COOKIE, lang, { ...cookieOptions(ctx, request), maxAge: YEAR_S });
    const session = sessionOf(request);
    const csrf = ctx.config.adminToken === null ? '' : reply.generateCsrf({ ...cookieOptions(ctx, request), userInfo: csrfUserInfo(request) });
    const switchTo = options.switchTo ?? (request.method === 'GET' ? request.url : DASHBOARD_PATH);
    const html = await reply.viewAsync(view, {
      ...data,
      lang,
      t: translator(lang),
      base: DASHBOARD_PATH,
      session: session && { label: session.label },
      csrf,
      timeZone,
      langLinks: { en: withLang(switchTo, 'en'), zh: withLang(switchTo, 'zh') },
      money: (cents: number) => formatCents(cents),
      time: (iso: string | null) => (iso === null ? '—' : formatDateTime(iso, timeZone)),
      orderUrl: (reference: string) => `${DASHBOARD_PATH}/orders/${encodeURIComponent(reference)}`,
    });
    return reply.code(options.status ?? 200).type('text/html; charset=utf-8').send(html);
  };
}
