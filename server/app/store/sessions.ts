import { inList, type Sql } from './sql';

export interface SessionRow {
  token_hash: string;
  buyer_id: string;
  created_at: string;
  expires_at: string;
}

export type SessionStore = ReturnType<typeof createSessionStore>;

export function createSessionStore(db: Sql) {
  return {
    async insert(row: SessionRow): Promise<void> {
      await db.run('INSERT INTO sessions (token_hash, buyer_id, created_at, expires_at) VALUES (?, ?, ?, ?)', [
        row.token_hash, row.buyer_id, row.created_at, row.expires_at,
      ]);
    },
    find: (tokenHash: string): Promise<SessionRow | undefined> => db.get('SELECT * FROM sessions WHERE token_hash = ?', [tokenHash]),
    /** The sessions of these token hashes that exist, in no particular order. */
    findMany: async (tokenHashes: string[]): Promise<SessionRow[]> =>
      tokenHashes.length === 0 ? [] : db.all(`SELECT * FROM sessions WHERE token_hash IN (${inList(tokenHashes.length)})`, tokenHashes),
    /** Deletes the sessions that expired before `now`; returns how many. */
    deleteExpired: (now: string): Promise<number> => db.run('DELETE FROM sessions WHERE expires_at <= ?', [now]),
  };
}
