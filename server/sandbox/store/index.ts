import { openSandboxDatabase } from './database';
import { DeliveryStore } from './delivery-store';
import { OrderStore } from './order-store';

export { IN_MEMORY, SandboxDatabaseError, isInMemory } from './database';
export type { Delivery, NewDelivery } from './delivery-store';
export type { NewOrder } from './order-store';
export { DeliveryStore, OrderStore };

/** Everything the sandbox remembers across restarts, on one SQLite connection. Synchronous. */
export interface SandboxStore {
  orders: OrderStore;
  deliveries: DeliveryStore;
  /** Runs `fn` in one transaction: all of its writes or none. */
  transaction<T>(fn: () => T): T;
  /** Closes the database; later calls do nothing. */
  close(): void;
}

/** Opens the store on a SQLite file, or in memory when `databasePath` is absent or `:memory:`. */
export function openSandboxStore(databasePath?: string): SandboxStore {
  const db = openSandboxDatabase(databasePath);
  return {
    orders: new OrderStore(db),
    deliveries: new DeliveryStore(db),
    transaction: (fn) => db.transaction(fn)(),
    close: () => {
      if (db.open) db.close();
    },
  };
}
