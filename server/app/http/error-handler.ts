import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorCode } from '../../contract';
import { HttpError } from '../errors';

/** Fastify's own request errors, as API errors with messages that reveal nothing internal. */
function fromFastify(error: FastifyError): HttpError | null {
  if (error.code === 'FST_ERR_VALIDATION') {
    // A path parameter that cannot be a reference or an id names nothing: not found.
    if (error.validationContext === 'params') {
      const refund = error.validation?.[0]?.instancePath === '/refundId';
      return new HttpError(404, 'not_found', refund ? 'no refund with this id' : 'no order with this merchant reference');
    }
    // Fastify's text, e.g. "body/quantity must be <= 99": the field and the rule, never a value.
    return new HttpError(400, 'invalid_request', error.message);
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new HttpError(413, 'payload_too_large', 'the request body is too large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new HttpError(415, 'unsupported_media_type', 'send the body as application/json');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      // A path parameter longer than any reference or id names nothing.
      return new HttpError(404, 'not_found', 'nothing has this reference');
    case 'FST_ERR_BAD_URL':
      return new HttpError(400, 'invalid_request', 'the URL is not valid (bad percent-encoding)');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new HttpError(400, 'invalid_request', 'the body is not valid JSON');
  }
  if (error instanceof SyntaxError) return new HttpError(400, 'invalid_request', 'the body is not valid JSON');
  const status = error.statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    const codes: Record<number, ErrorCode> = { 403: 'forbidden', 404: 'not_found', 413: 'payload_too_large' };
    const code = codes[status] ?? 'invalid_request';
    return new HttpError(status, code, 'the request is malformed');
  }
  return null;
}

/**
 * Fastify's `frameworkErrors` option: errors its router raises before any route or hook,
 * e.g. a URL it cannot decode (`/api/orders/%ZZ`), answered in our format too.
 */
export function answerFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const apiError = fromFastify(error) ?? new HttpError(500, 'internal_error', 'something went wrong on our side');
  // No onRequest hook ran, so the request id header is set here.
  void reply.code(apiError.statusCode).header('x-request-id', request.id).send(apiError.toResponse());
}

/** Every error becomes an ErrorResponse; unexpected ones are logged and answered without details. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const apiError = error instanceof HttpError ? error : fromFastify(error);
    if (apiError) {
      // The code only: a message can carry Latipay's own text, which the logs never do.
      if (apiError.statusCode >= 500) request.log.warn({ code: apiError.code, statusCode: apiError.statusCode }, 'answered with an error');
      return reply.code(apiError.statusCode).send(apiError.toResponse());
    }
    request.log.error({ err: error }, 'unexpected error');
    return reply.code(500).send(new HttpError(500, 'internal_error', 'something went wrong on our side').toResponse());
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0];
    reply.code(404).send(new HttpError(404, 'not_found', `no route ${request.method} ${path}`).toResponse());
  });
}
