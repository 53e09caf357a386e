import { valueRows, type Sql } from './sql';

/**
 * What happened to an order beyond its rows: Latipay's create answer, queries, status changes
 * and what each admin did. `actor`: `system`, `reconciler`, `shopper`, `latipay` or
 * `admin:<session>` (the audit trail is the events whose actor is an admin).
 */
export interface EventRow {
  id: number;
  at: string;
  merchant_reference: string | null;
  kind: string;
  actor: string;
  /** JSON text. */
  details: string;
}

export interface NewEvent {
  merchantReference: string | null;
  kind: string;
  actor: string;
  details: Record<string, unknown>;
  at: string;
}

export type EventStore = ReturnType<typeof createEventStore>;

export function createEventStore(db: Sql) {
  async function recordMany(events: NewEvent[]): Promise<void> {
    if (events.length === 0) return;
    await db.run(
      `INSERT INTO events (at, merchant_reference, kind, actor, details) VALUES ${valueRows(events.length, 5)}`,
      events.flatMap((event) => [event.at, event.merchantReference, event.kind, event.actor, JSON.stringify(event.details)]),
    );
  }
  return {
    record: (event: NewEvent): Promise<void> => recordMany([event]),
    recordMany,
    forOrder: (merchantReference: string): Promise<EventRow[]> =>
      db.all('SELECT * FROM events WHERE merchant_reference = ? ORDER BY id', [merchantReference]),
    /** The admins' actions, newest first. */
    audit: (limit: number): Promise<EventRow[]> =>
      db.all("SELECT * FROM events WHERE actor LIKE 'admin:%' ORDER BY id DESC LIMIT ?", [limit]),
  };
}
