import type { FastifyError, FastifyReply } from 'fastify';

export type ControlErrorCode =
  | 'invalid_request'
  | 'not_found'
  | 'invalid_transition'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'internal_error';

/** Control API errors: `{error: {code, message}}` with a 4xx (or 500) status. */
export function sendControlError(reply: FastifyReply, status: number, code: ControlErrorCode, message: string) {
  return reply.code(status).send({ error: { code, message } });
}

/**
 * Status and a safe description of an error Fastify raised before the handler ran (body
 * parsing). The parser's own message is not reused: it can quote the body.
 */
export function describeRequestError(error: FastifyError): { status: number; code: ControlErrorCode; message: string } {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { status: 415, code: 'unsupported_media_type', message: 'content-type must be application/json' };
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, code: 'payload_too_large', message: 'the request body is too large' };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { status: 400, code: 'invalid_request', message: 'the body is empty although content-type is application/json: send {} or no content-type' };
    default:
      break;
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    const isJson = error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError;
    return { status, code: 'invalid_request', message: isJson ? 'the request body is not valid JSON' : 'bad request' };
  }
  return { status: 500, code: 'internal_error', message: 'internal sandbox error' };
}
