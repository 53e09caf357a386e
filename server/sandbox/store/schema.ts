/**
 * The sandbox's tables, created on open. Money is integer cents, times ISO 8601 UTC strings.
 * Faults and call counters are not here: they are test controls and live in memory only.
 */
export const SANDBOX_SCHEMA = `
CREATE TABLE IF NOT EXISTS orders (
  order_id           TEXT PRIMARY KEY,
  merchant_reference TEXT NOT NULL UNIQUE,
  customer_order_id  TEXT NOT NULL,
  amount_cents       INTEGER NOT NULL CHECK (amount_cents > 0),
  currency           TEXT NOT NULL,
  product_name       TEXT NOT NULL,
  callback_url       TEXT NOT NULL,
  status             TEXT NOT NULL CHECK (status IN ('pending', 'paid', 'failed', 'canceled')),
  created_at         TEXT NOT NULL,
  pay_time           TEXT
);

CREATE TABLE IF NOT EXISTS refunds (
  id           INTEGER PRIMARY KEY,
  order_id     TEXT NOT NULL REFERENCES orders (order_id),
  amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
  reference    TEXT NOT NULL,
  at           TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS refunds_by_order ON refunds (order_id, id);

-- One row per HTTP attempt to deliver a notification, as the control API shows them.
CREATE TABLE IF NOT EXISTS notification_attempts (
  id             INTEGER PRIMARY KEY,
  order_id       TEXT NOT NULL REFERENCES orders (order_id),
  at             TEXT NOT NULL,
  payment_status TEXT NOT NULL,
  http_status    INTEGER,
  body           TEXT,
  error          TEXT
);
CREATE INDEX IF NOT EXISTS notification_attempts_by_order ON notification_attempts (order_id, id);

-- Deliveries still owed: deleted once delivered or given up. fields is the JSON of the signed
-- form fields, sent as they were signed; second_send_owed is 1 while mode 'duplicate' still
-- owes its second send.
CREATE TABLE IF NOT EXISTS deliveries (
  id               INTEGER PRIMARY KEY,
  order_id         TEXT NOT NULL REFERENCES orders (order_id),
  callback_url     TEXT NOT NULL,
  fields           TEXT NOT NULL,
  mode             TEXT NOT NULL,
  second_send_owed INTEGER NOT NULL CHECK (second_send_owed IN (0, 1)),
  attempts         INTEGER NOT NULL CHECK (attempts >= 0),
  next_attempt_at  TEXT NOT NULL
);
`;
