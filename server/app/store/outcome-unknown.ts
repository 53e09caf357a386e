/**
 * A write whose outcome is not known: the database may have committed it, but its answer never
 * came (the connection broke during COMMIT, or during a statement that commits by itself). It
 * must not be run again as if it had failed: what it wrote may be there already.
 */
export class OutcomeUnknown extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OutcomeUnknown';
  }
}

/** Whether PostgreSQL itself answered the error (it has a SQLSTATE code): then the statement or transaction did not take effect. */
export function answeredByServer(err: unknown): boolean {
  return typeof (err as { code?: unknown } | null)?.code === 'string';
}
