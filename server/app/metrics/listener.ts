import Fastify from 'fastify';
import { listenError } from '../../env/listen-error';
import { transportOptions } from '../../http-server/transport';
import type { AppConfig } from '../config/config';
import { installErrorHandling } from '../http/error-handler';
import { metricsRoutes } from '../routes/metrics';
import type { ShopMetrics } from './shop-metrics';

export interface MetricsListener {
  /** e.g. http://127.0.0.1:9464 */
  url: string;
  close(): Promise<void>;
}

/**
 * GET /metrics alone, without a token, on METRICS_PORT at METRICS_HOST: for a Prometheus that
 * reaches the server on a network the shoppers do not. Anything else gets 404 in the API's
 * error shape. A failure to listen is a ConfigError naming METRICS_HOST or METRICS_PORT.
 */
export async function listenForMetrics(metrics: ShopMetrics, config: AppConfig): Promise<MetricsListener | null> {
  const { port, host } = config.metrics;
  if (port === null) return null;
  const app = Fastify({
    ...transportOptions({ requestTimeoutMs: config.requestTimeoutMs, maxPipelinedRequests: config.maxPipelinedRequests }),
    logger: false,
    return503OnClosing: true,
  });
  installErrorHandling(app);
  app.register(metricsRoutes(metrics, 'none'));
  try {
    const url = await app.listen({ port, host });
    return { url, close: () => app.close() };
  } catch (err) {
    await app.close().catch(() => undefined);
    throw listenError(err, { host, port, names: { host: 'METRICS_HOST', port: 'METRICS_PORT' } });
  }
}
