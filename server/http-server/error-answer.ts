import { STATUS_CODES } from 'node:http';
import type { ErrorCode } from '../contract';

/** The codes an error found below the routes (by Node's HTTP parser or our transport limits) can have. */
export type TransportErrorCode = Extract<ErrorCode, 'invalid_request' | 'headers_too_large' | 'request_timeout' | 'payload_too_large'>;

export interface TransportError {
  status: number;
  code: TransportErrorCode;
  message: string;
}

/** The API's error body, `{"error": {"code", "message"}}`. */
export function errorBody({ code, message }: TransportError): string {
  return JSON.stringify({ error: { code, message } });
}

/**
 * A complete HTTP/1.1 answer for a raw socket: the connection is closed after it, since what
 * follows on the wire after a request that could not be parsed cannot be trusted.
 */
export function rawErrorResponse(error: TransportError): string {
  const body = errorBody(error);
  return (
    `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status]}\r\n` +
    'content-type: application/json; charset=utf-8\r\n' +
    `content-length: ${Buffer.byteLength(body)}\r\n` +
    'connection: close\r\n' +
    `\r\n${body}`
  );
}
