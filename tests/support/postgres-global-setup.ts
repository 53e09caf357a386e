/**
 * jest globalSetup (jest.config.js, top level: it runs once per jest run, in the main process,
 * before the workers start): the PostgreSQL server of the run. See postgres-cluster.ts.
 */
import { setupPostgres } from './postgres-cluster';

export default async function globalSetup(): Promise<void> {
  await setupPostgres();
}
