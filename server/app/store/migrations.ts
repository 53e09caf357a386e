/** Version 1: the schema as first released. Money is INTEGER cents; times ISO 8601 UTC. */
const INITIAL_SCHEMA = `
CREATE TABLE IF NOT EXISTS orders (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  merchant_reference TEXT NOT NULL UNIQUE,
  buyer_id TEXT,
  product_id TEXT NOT NULL,
  product_name TEXT NOT NULL,
  quantity INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND 99),
  amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
  currency TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN
    ('creating', 'create_failed', 'pending', 'paid', 'failed', 'partially_refunded', 'refunded')),
  latipay_order_id TEXT,
  -- Alipay's signed order exactly as Latipay returned it (JSON text, key order kept).
  gatewaydata TEXT,
  create_error_status INTEGER,
  create_error_code TEXT,
  create_error_message TEXT,
  refunded_cents INTEGER NOT NULL DEFAULT 0 CHECK (refunded_cents BETWEEN 0 AND amount_cents),
  created_at TEXT NOT NULL,
  paid_at TEXT,
  updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS orders_by_buyer ON orders (buyer_id, id);

CREATE TABLE IF NOT EXISTS idempotency_keys (
  scope TEXT NOT NULL,
  endpoint TEXT NOT NULL,
  key TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  merchant_reference TEXT,
  refund_id TEXT,
  created_at TEXT NOT NULL,
  PRIMARY KEY (scope, endpoint, key)
);

-- Every authenticated payment result: notifications, and query answers that carry a result.
CREATE TABLE IF NOT EXISTS notifications (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  source TEXT NOT NULL CHECK (source IN ('notify', 'query')),
  merchant_reference TEXT NOT NULL,
  status TEXT NOT NULL,
  amount TEXT NOT NULL,
  currency TEXT NOT NULL,
  -- All fields received except the signature, as JSON.
  fields TEXT NOT NULL,
  outcome TEXT NOT NULL CHECK (outcome IN ('applied', 'no_change', 'anomaly')),
  received_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS notifications_by_order ON notifications (merchant_reference, id);

CREATE TABLE IF NOT EXISTS refunds (
  id TEXT PRIMARY KEY,
  merchant_reference TEXT NOT NULL REFERENCES orders (merchant_reference),
  amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
  reason TEXT NOT NULL,
  -- pending: reserved, Latipay being called. unknown: Latipay may or may not have refunded;
  -- the amount stays reserved until a person checks (see anomalies).
  status TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed', 'unknown')),
  error_status INTEGER,
  error_code TEXT,
  error_message TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS refunds_by_order ON refunds (merchant_reference, created_at);

-- Findings a person must look at: money that does not add up.
CREATE TABLE IF NOT EXISTS anomalies (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  merchant_reference TEXT NOT NULL,
  kind TEXT NOT NULL,
  details TEXT NOT NULL,
  created_at TEXT NOT NULL
);
`;

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/**
 * Every change to the schema, oldest first, each applied once in its own transaction and
 * recorded in `schema_migrations`. Never edit one that has shipped: add the next.
 * Version 1 uses IF NOT EXISTS throughout, so a database made before migrations were recorded
 * takes it as a no-op.
 */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'initial schema', sql: INITIAL_SCHEMA },
  {
    version: 2,
    // The table keeps query answers as well as notifications: named for both.
    name: 'notifications renamed payment_results',
    sql: `
ALTER TABLE notifications RENAME TO payment_results;
DROP INDEX notifications_by_order;
CREATE INDEX payment_results_by_order ON payment_results (merchant_reference, id);
`,
  },
  {
    version: 3,
    // A request refused before it made anything (a refund over the balance) is answered the
    // same way on every replay of its Idempotency-Key.
    name: 'idempotency_keys remember refusals',
    sql: `
ALTER TABLE idempotency_keys ADD COLUMN refusal_status INTEGER;
ALTER TABLE idempotency_keys ADD COLUMN refusal_code TEXT;
ALTER TABLE idempotency_keys ADD COLUMN refusal_message TEXT;
`,
  },
  {
    version: 4,
    // Signed-in shoppers: a session per Alipay login. Only a hash of the token is kept, so
    // the table alone lets nobody act as a shopper.
    name: 'sessions',
    sql: `
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  buyer_id TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);
`,
  },
  {
    version: 5,
    // A cart: an order's lines, as JSON ([{productId, name, quantity, unitPriceCents}]).
    // Orders made before keep NULL: their one line is product_id × quantity. product_id and
    // quantity then hold the first line, product_name the summary sent to Latipay.
    name: 'orders carry their lines',
    sql: `ALTER TABLE orders ADD COLUMN items TEXT;`,
  },
];
