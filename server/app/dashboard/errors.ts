import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { HttpError } from '../errors';
import type { Render } from './render';

interface Shown {
  status: number;
  /** A dashboard string key, or null to show `message` as it is (a service's own words). */
  key: string | null;
  vars?: Record<string, string | number>;
  message?: string;
}

function shownError(error: FastifyError, reply: FastifyReply): Shown | null {
  if (error.code === 'FST_CSRF_MISSING_SECRET' || error.code === 'FST_CSRF_INVALID_TOKEN') return { status: 403, key: 'error.csrf' };
  if (error.code === 'FST_ERR_VALIDATION') {
    // A path parameter that cannot be a reference or an id names nothing.
    return error.validationContext === 'params' ? { status: 404, key: 'error.notFound' } : { status: 400, key: null, message: error.message };
  }
  if (error instanceof HttpError) {
    if (error.statusCode === 429) return { status: 429, key: 'error.rateLimited', vars: { seconds: String(reply.getHeader('retry-after') ?? '') } };
    if (error.statusCode === 404) return { status: 404, key: 'error.notFound' };
    return { status: error.statusCode, key: null, message: error.message };
  }
  const status = error.statusCode;
  if (status !== undefined && status >= 400 && status < 500) return { status, key: null, message: 'the request is malformed' };
  return null;
}

/** The dashboard's errors as pages (the API answers JSON; a browser is shown what went wrong). */
export function errorPages(render: Render) {
  return async (error: FastifyError, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    let shown = shownError(error, reply);
    if (shown === null) {
      request.log.error({ err: error }, 'unexpected error');
      shown = { status: 500, key: 'error.internal' };
    }
    return render(request, reply, 'error', { error: shown }, { status: shown.status });
  };
}
