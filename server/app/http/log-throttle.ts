import type { FastifyBaseLogger } from 'fastify';

/**
 * Warning lines for refusals an attacker can repeat at will (bad signatures, unknown orders):
 * at most one a second per reason, carrying how many were left out since the last one, so a
 * flood cannot fill the disk with log.
 */
export class LogThrottle {
  private readonly last = new Map<string, { at: number; suppressed: number }>();

  constructor(
    private readonly intervalMs = 1000,
    private readonly now: () => number = Date.now,
  ) {}

  warn(log: FastifyBaseLogger, reason: string, fields: Record<string, unknown>): void {
    const now = this.now();
    const previous = this.last.get(reason);
    if (previous && now - previous.at < this.intervalMs) {
      previous.suppressed += 1;
      return;
    }
    log.warn({ ...fields, suppressed: previous?.suppressed ?? 0 }, reason);
    this.last.set(reason, { at: now, suppressed: 0 });
  }
}
