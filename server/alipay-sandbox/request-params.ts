import type { FastifyRequest } from 'fastify';

export type RequestParams =
  | { ok: true; params: Map<string, string> }
  | { ok: false; problem: string };

const FORM_TYPE = /^application\/x-www-form-urlencoded\s*(;|$)/i;

/**
 * The request's parameters as the gateway reads them: the query (where alipay-sdk puts the
 * public ones) and a form body (the business ones). A name given twice is refused: which value
 * would count is not something to guess when it is signed.
 */
export function readRequestParams(request: FastifyRequest): RequestParams {
  const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '';
  const body = typeof request.body === 'string' ? request.body : '';
  if (body !== '' && !FORM_TYPE.test(request.headers['content-type'] ?? '')) {
    return { ok: false, problem: 'the body must be application/x-www-form-urlencoded' };
  }
  const params = new Map<string, string>();
  for (const source of [query, body]) {
    for (const [name, value] of new URLSearchParams(source)) {
      if (params.has(name)) return { ok: false, problem: `parameter ${name.slice(0, 64)} is given more than once` };
      params.set(name, value);
    }
  }
  return { ok: true, params };
}
