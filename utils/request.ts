import { REQUEST_TIMEOUT_MS } from '../config/env';
import { ApiError } from './api-error';
import { apiBaseUrl } from './env-version';

export type JsonObject = Record<string, unknown>;

export interface RequestOptions {
  method: 'GET' | 'POST';
  /** Path on the backend, e.g. `/api/orders`. */
  path: string;
  query?: Record<string, string>;
  /** Sent as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

export type RequestFn = (options: RequestOptions) => Promise<JsonObject>;

/** Extra wait past my.request's own timeout before giving up on a runtime that never calls back. */
const GUARD_GRACE_MS = 2000;

// Alipay's my.request failure codes.
const ERROR_TIMEOUT = 13;
const ERROR_JSON_PARSE = 14;
const ERROR_HTTP_STATUS = 19;

/**
 * One JSON call to the backend. Resolves with the parsed body of a 2xx answer; rejects with
 * an ApiError otherwise.
 */
export const request: RequestFn = (options) => {
  const timeout = options.timeoutMs ?? REQUEST_TIMEOUT_MS;
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';

  return new Promise<JsonObject>((resolve, reject) => {
    let settled = false;
    let task: { abort?: () => void } | undefined;
    const guard = setTimeout(() => {
      finish(() => {
        if (task && typeof task.abort === 'function') task.abort();
        reject(new ApiError('timeout', `no answer from ${options.path} within ${timeout} ms`));
      });
    }, timeout + GUARD_GRACE_MS);

    function finish(action: () => void): void {
      if (settled) return;
      settled = true;
      clearTimeout(guard);
      action();
    }

    try {
      task = my.request({
        url: buildUrl(options.path, options.query),
        method: options.method,
        headers,
        data: options.body === undefined ? undefined : JSON.stringify(options.body),
        dataType: 'json',
        timeout,
        success: (res) => {
          finish(() => {
            const status = typeof res.status === 'number' ? res.status : res.statusCode;
            const outcome = fromResponse(status, res.data, options.path);
            if (outcome instanceof ApiError) reject(outcome);
            else resolve(outcome);
          });
        },
        fail: (err) => {
          finish(() => reject(fromFailure(err as JsonObject, options.path)));
        },
      }) as unknown as { abort?: () => void } | undefined;
    } catch (error) {
      finish(() => reject(new ApiError('network', `my.request threw for ${options.path}: ${String(error)}`)));
    }
  });
};

export function buildUrl(path: string, query?: Record<string, string>): string {
  const pairs = Object.keys(query ?? {}).map(
    (key) => `${encodeURIComponent(key)}=${encodeURIComponent((query as Record<string, string>)[key])}`,
  );
  return apiBaseUrl() + path + (pairs.length > 0 ? `?${pairs.join('&')}` : '');
}

const NOT_JSON = Symbol('not json');

function parseBody(data: unknown): unknown {
  // dataType 'json' gives an object, but some runtimes hand back the raw text.
  if (typeof data !== 'string') return data;
  try {
    return JSON.parse(data);
  } catch {
    return NOT_JSON;
  }
}

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof ArrayBuffer);
}

function fromResponse(status: number, data: unknown, path: string): JsonObject | ApiError {
  const body = parseBody(data);
  if (status >= 200 && status < 300) {
    return isJsonObject(body) ? body : new ApiError('malformed', `${path} answered ${status} without a JSON object`, status);
  }
  return httpError(status, body, path);
}

function httpError(status: number | null, body: unknown, path: string): ApiError {
  const error = isJsonObject(body) && isJsonObject(body.error) ? body.error : null;
  const code = error && typeof error.code === 'string' ? error.code : null;
  const message = error && typeof error.message === 'string' ? error.message : 'http status error';
  return new ApiError('http', `${path} answered ${status ?? 'an error status'}: ${message}`, status, code);
}

function fromFailure(err: JsonObject, path: string): ApiError {
  const code = typeof err.error === 'number' ? err.error : Number(err.error);
  const detail = typeof err.errorMessage === 'string' ? err.errorMessage : 'request failed';
  switch (code) {
    case ERROR_HTTP_STATUS: {
      // Some clients put the answer on the failure, some do not.
      const rawStatus = typeof err.status === 'number' ? err.status : err.statusCode;
      const status = typeof rawStatus === 'number' ? rawStatus : null;
      return httpError(status, parseBody(err.data), path);
    }
    case ERROR_TIMEOUT:
      return new ApiError('timeout', `${path}: ${detail}`);
    case ERROR_JSON_PARSE:
      return new ApiError('malformed', `${path}: ${detail}`);
    default:
      return new ApiError('network', `${path}: ${detail} (error ${String(err.error)})`, null, null, Number.isFinite(code) ? code : null);
  }
}
