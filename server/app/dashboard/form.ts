import type { FastifyRequest } from 'fastify';

/** A field of a posted form, trimmed; '' when absent or sent more than once. */
export function field(request: FastifyRequest, name: string): string {
  const body = request.body as Record<string, unknown> | null | undefined;
  const value = body?.[name];
  return typeof value === 'string' ? value.trim() : '';
}
