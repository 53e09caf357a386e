import type { FastifyServerOptions } from 'fastify';

export interface LogDestination {
  write(line: string): void;
}

/**
 * Fastify's pino logger. Requests are logged as method and path only (query strings can
 * carry signatures), bodies never, and the authorization header is redacted should any
 * serializer ever include headers.
 */
export function loggerOptions(level: string, stream?: LogDestination): FastifyServerOptions['logger'] {
  return {
    level,
    ...(stream ? { stream } : {}),
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization'], censor: '[redacted]' },
    serializers: {
      req: (req) => ({
        method: req.method,
        url: req.url?.split('?')[0],
        remoteAddress: req.ip,
      }),
    },
  };
}
