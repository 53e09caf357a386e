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

/** Runs the load; each answer's latency (ms) is also added to `latenciesMs` when given. */
export async function runLoad(options: LoadOptions, latenciesMs?: number[]): Promise<LoadFigures> {
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({ ...options, timeout: 30 }, (err, done) => (err ? reject(err) : resolve(done)));
    if (latenciesMs) instance.on('response', (_client, _status, _bytes, ms) => latenciesMs.push(ms));
  });
  const seconds = result.duration > 0 ? result.duration : 1;
  return {
    requests: result.requests.total,
    requestsPerSecond: Math.round(result.requests.total / seconds),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
  };
}

/** The p-th percentile (0-100) of latencies, to 0.1 ms; sorts them in place. */
export function percentile(latenciesMs: number[], p: number): number {
  if (latenciesMs.length === 0) return 0;
  latenciesMs.sort((a, b) => a - b);
  const index = Math.min(latenciesMs.length - 1, Math.ceil((p / 100) * latenciesMs.length) - 1);
  return Math.round(latenciesMs[Math.max(index, 0)] * 10) / 10;
}
