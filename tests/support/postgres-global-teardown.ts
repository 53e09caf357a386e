/** jest globalTeardown: stops the throwaway PostgreSQL cluster, if globalSetup started one. */
import { teardownPostgres } from './postgres-cluster';

export default async function globalTeardown(): Promise<void> {
  await teardownPostgres();
}
