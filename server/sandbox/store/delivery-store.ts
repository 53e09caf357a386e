import type { SandboxDb } from './database';

/** A notification delivery still owed to a merchant. */
export interface Delivery {
  id: number;
  orderId: string;
  callbackUrl: string;
  /** The form fields to send, signature included, exactly as signed when the order completed. */
  fields: Record<string, string>;
  /** The control API's notification mode it came from ('deliver', 'duplicate', …). */
  mode: string;
  /** Mode 'duplicate': the same notification is to be delivered once more after this one. */
  secondSendOwed: boolean;
  /** Attempts made so far for the current send. */
  attempts: number;
  nextAttemptAt: Date;
}

export type NewDelivery = Omit<Delivery, 'id'>;

interface DeliveryRow {
  id: number;
  order_id: string;
  callback_url: string;
  fields: string;
  mode: string;
  second_send_owed: number;
  attempts: number;
  next_attempt_at: string;
}

function toDelivery(row: DeliveryRow): Delivery {
  return {
    id: row.id,
    orderId: row.order_id,
    callbackUrl: row.callback_url,
    fields: JSON.parse(row.fields) as Record<string, string>,
    mode: row.mode,
    secondSendOwed: row.second_send_owed === 1,
    attempts: row.attempts,
    nextAttemptAt: new Date(row.next_attempt_at),
  };
}

function prepareStatements(db: SandboxDb) {
  return {
    insert: db.prepare(
      `INSERT INTO deliveries (order_id, callback_url, fields, mode, second_send_owed, attempts, next_attempt_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
    find: db.prepare<[number], DeliveryRow>('SELECT * FROM deliveries WHERE id = ?'),
    all: db.prepare<[], DeliveryRow>('SELECT * FROM deliveries ORDER BY next_attempt_at, id'),
    update: db.prepare('UPDATE deliveries SET second_send_owed = ?, attempts = ?, next_attempt_at = ? WHERE id = ?'),
    remove: db.prepare('DELETE FROM deliveries WHERE id = ?'),
  };
}

/** Deliveries still owed, so that they resume after a restart. */
export class DeliveryStore {
  private readonly statements: ReturnType<typeof prepareStatements>;

  constructor(db: SandboxDb) {
    this.statements = prepareStatements(db);
  }

  add(delivery: NewDelivery): Delivery {
    const { orderId, callbackUrl, fields, mode, secondSendOwed, attempts, nextAttemptAt } = delivery;
    const result = this.statements.insert.run(
      orderId,
      callbackUrl,
      JSON.stringify(fields),
      mode,
      secondSendOwed ? 1 : 0,
      attempts,
      nextAttemptAt.toISOString(),
    );
    return { ...delivery, id: Number(result.lastInsertRowid) };
  }

  find(id: number): Delivery | undefined {
    const row = this.statements.find.get(id);
    return row ? toDelivery(row) : undefined;
  }

  /** Every delivery still owed, the soonest first. */
  all(): Delivery[] {
    return this.statements.all.all().map(toDelivery);
  }

  /** Records the progress of a delivery that goes on (attempts, next attempt, second send). */
  update(delivery: Delivery): void {
    const { id, secondSendOwed, attempts, nextAttemptAt } = delivery;
    this.statements.update.run(secondSendOwed ? 1 : 0, attempts, nextAttemptAt.toISOString(), id);
  }

  remove(id: number): void {
    this.statements.remove.run(id);
  }
}
