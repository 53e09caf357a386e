import { maxHeaderSize } from 'node:http';
import type { Socket } from 'node:net';
import type { ConnectionError, FastifyInstance } from 'fastify';
import { rawErrorResponse, type TransportError } from './error-answer';

const BAD_REQUEST_LINE = 'the request line is not valid HTTP/1.1 (method, target and version)';

/** What Node's HTTP parser (llhttp) error codes mean for the client; anything else is a generic 400. */
const PARSER_ERRORS: Record<string, string> = {
  HPE_INVALID_HEADER_TOKEN: 'a header name or value has a character that is not allowed (e.g. a control character or NUL)',
  HPE_INVALID_TRANSFER_ENCODING: 'the body is framed wrongly: send Content-Length or Transfer-Encoding: chunked, not both',
  HPE_UNEXPECTED_CONTENT_LENGTH: 'the body is framed wrongly: send Content-Length or Transfer-Encoding: chunked, not both',
  HPE_INVALID_CONTENT_LENGTH: 'Content-Length is not valid',
  HPE_INVALID_CHUNK_SIZE: 'a chunk size of the chunked body is not valid',
  HPE_INVALID_METHOD: BAD_REQUEST_LINE,
  HPE_INVALID_URL: BAD_REQUEST_LINE,
  HPE_INVALID_VERSION: BAD_REQUEST_LINE,
  HPE_INVALID_CONSTANT: BAD_REQUEST_LINE,
};

export function transportError(errorCode: string, requestTimeoutMs: number): TransportError {
  switch (errorCode) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, code: 'request_timeout', message: `the request's headers and body did not arrive within ${requestTimeoutMs} ms` };
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, code: 'headers_too_large', message: `the request's headers are over ${maxHeaderSize / 1024} KiB` };
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return { status: 413, code: 'payload_too_large', message: 'the chunk extensions of the body are too large' };
    default:
      return { status: 400, code: 'invalid_request', message: PARSER_ERRORS[errorCode] ?? 'the request is not valid HTTP/1.1' };
  }
}

/**
 * An answer may still go out when the socket is writable and no answer has started on it:
 * Node's own check (socketOnError in lib/_http_server.js). Fastify's default handler checks
 * only `writable`, and would write into the middle of an answer being sent.
 */
function canAnswer(socket: Socket): boolean {
  const current = (socket as Socket & { _httpMessage?: { headersSent: boolean } | null })._httpMessage;
  return socket.writable && !current?.headersSent;
}

/**
 * Fastify's `clientErrorHandler`: errors Node raises on a connection before any route sees a
 * request (a request it cannot parse, headers over 16 KiB, REQUEST_TIMEOUT_MS passed),
 * answered in the API's error shape, then the connection is closed. Written as Node does:
 * write then destroy, so that a client that keeps sending cannot hold the connection.
 */
export function clientErrorHandler(requestTimeoutMs: number) {
  return function answerClientError(this: FastifyInstance, err: ConnectionError, socket: Socket): void {
    if (err.code === 'ECONNRESET' || socket.destroyed) return;
    if (canAnswer(socket)) {
      const error = transportError(err.code, requestTimeoutMs);
      socket.write(rawErrorResponse(error));
      // Only the code: err.rawPacket holds what was received, headers and tokens included.
      this.log.info({ statusCode: error.status, errorCode: err.code, remoteAddress: socket.remoteAddress }, 'transport error answered');
    }
    socket.destroy();
  };
}
