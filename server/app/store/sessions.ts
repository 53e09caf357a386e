import type { Db } from './db';

export interface SessionRow {
  token_hash: string;
  buyer_id: string;
  created_at: string;
  expires_at: string;
}

export type SessionStore = ReturnType<typeof createSessionStore>;

export function createSessionStore(db: Db) {
  const insert = db.prepare(
    'INSERT INTO sessions (token_hash, buyer_id, created_at, expires_at) VALUES (@token_hash, @buyer_id, @created_at, @expires_at)',
  );
  const byHash = db.prepare<[string], SessionRow>('SELECT * FROM sessions WHERE token_hash = ?');
  const expired = db.prepare('DELETE FROM sessions WHERE expires_at <= ?');
  return {
    insert: (row: SessionRow): void => void insert.run(row),
    find: (tokenHash: string): SessionRow | undefined => byHash.get(tokenHash),
    /** Deletes the sessions that expired before `now`; returns how many. */
    deleteExpired: (now: string): number => expired.run(now).changes,
  };
}
