import type { Sql } from './sql';

/** A dashboard sign-in: only an HMAC of its cookie's token is kept (services/dashboard-sessions.ts). */
export interface AdminSessionRow {
  token_hash: string;
  /** Names the session in the audit trail (`admin:<label>`). */
  label: string;
  created_at: string;
  expires_at: string;
}

export type AdminSessionStore = ReturnType<typeof createAdminSessionStore>;

export function createAdminSessionStore(db: Sql) {
  return {
    /** A second insert of the same row (a transaction run again) changes nothing. */
    async insert(row: AdminSessionRow): Promise<void> {
      await db.run(
        `INSERT INTO admin_sessions (token_hash, label, created_at, expires_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (token_hash) DO NOTHING`,
        [row.token_hash, row.label, row.created_at, row.expires_at],
      );
    },
    /** The session unless it expired by `now`. */
    findLive: (tokenHash: string, now: string): Promise<AdminSessionRow | undefined> =>
      db.get('SELECT * FROM admin_sessions WHERE token_hash = ? AND expires_at > ?', [tokenHash, now]),
    delete: (tokenHash: string): Promise<number> => db.run('DELETE FROM admin_sessions WHERE token_hash = ?', [tokenHash]),
    deleteExpired: (now: string): Promise<number> => db.run('DELETE FROM admin_sessions WHERE expires_at <= ?', [now]),
  };
}
