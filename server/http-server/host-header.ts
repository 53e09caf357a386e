import type { RequestHandler } from './pipelining';
import { errorBody } from './error-answer';

const NO_HOST = errorBody({ status: 400, code: 'invalid_request', message: 'an HTTP/1.1 request must have a Host header' });

/**
 * RFC 9112 3.2: an HTTP/1.1 request without Host gets 400. Node's own check answers it with an
 * empty body; this one answers in the API's error shape (the server is created with
 * `requireHostHeader: false`).
 */
export function requireHostHeader(handler: RequestHandler): RequestHandler {
  return (request, response) => {
    if (request.headers.host === undefined && request.httpVersion === '1.1') {
      response.writeHead(400, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(NO_HOST),
        connection: 'close',
      });
      response.end(NO_HOST);
      return;
    }
    handler(request, response);
  };
}
