/** autocannon runs reduced to the figures the report needs. */
import autocannon from 'autocannon';

export interface LoadFigures {
  requests: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Connection errors, timeouts and answers outside 2xx. */
  errors: number;
}

export type LoadOptions = autocannon.Options;

export async function runLoad(options: LoadOptions): Promise<LoadFigures> {
  const result = await autocannon({ ...options, timeout: 30 });
  const seconds = result.duration > 0 ? result.duration : 1;
  return {
    requests: result.requests.total,
    requestsPerSecond: Math.round(result.requests.total / seconds),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
  };
}
