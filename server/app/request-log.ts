import type { FastifyBaseLogger } from 'fastify';

/**
 * Adds fields to the request's own log line instead of writing a line of their own. Fastify's
 * request logger is a pino child: its bindings end up on the line written when the request is
 * answered. Each key must be added once per request. Used below the routes too (the Latipay
 * client, payment results), which is why it is not in http/.
 */
export function addToRequestLine(log: FastifyBaseLogger, fields: Record<string, unknown>, message: string): void {
  const child = log as FastifyBaseLogger & { setBindings?: (bindings: Record<string, unknown>) => void };
  if (child.setBindings) child.setBindings(fields);
  else log.info(fields, message);
}
