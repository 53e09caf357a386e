import http from 'node:http';
import https from 'node:https';

export interface FormPostResult {
  status: number;
  body: string;
}

/** Bytes of an answer kept; a notification answer is meant to be the 4 bytes `sent`. */
const MAX_ANSWER_BYTES = 16 * 1024;

/**
 * POSTs an application/x-www-form-urlencoded body and resolves with the HTTP status and the
 * (capped) answer text. Rejects on network errors, on timeout and on `signal` abort. A fresh
 * connection per attempt (no keep-alive agent) so nothing lingers once the sandbox closes.
 */
export function postForm(
  url: string,
  fields: Record<string, string>,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<FormPostResult> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const transport = target.protocol === 'https:' ? https : http;
    const payload = new URLSearchParams(fields).toString();
    const request = transport.request(target, {
      method: 'POST',
      agent: false,
      headers: {
        'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
        'content-length': Buffer.byteLength(payload),
        'user-agent': 'latipay-sandbox',
      },
      signal,
    });
    const timer = setTimeout(() => request.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    const finish = (fn: () => void) => {
      clearTimeout(timer);
      fn();
    };
    request.on('error', (err) => finish(() => reject(err)));
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        if (size < MAX_ANSWER_BYTES) chunks.push(chunk);
        size += chunk.length;
      });
      response.on('error', (err) => finish(() => reject(err)));
      response.on('end', () =>
        finish(() => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') })),
      );
    });
    request.end(payload);
  });
}
