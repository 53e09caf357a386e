/**
 * The PostgreSQL server of a jest run, started once by jest's globalSetup
 * (postgres-global-setup.ts) and stopped by its globalTeardown (postgres-global-teardown.ts).
 *
 * - TEST_DATABASE_URL set: that server is used, nothing is started (its role must be allowed to
 *   CREATE DATABASE; tests create and drop their own databases, see postgres.ts).
 * - Otherwise a throwaway cluster (scripts/postgres-cluster.ts), durability off. Its URL goes to
 *   process.env.TEST_DATABASE_URL before jest starts its workers, so they inherit it.
 * - TEST_POSTGRES=0: nothing at all (jest.config.js then has no postgres project either).
 *
 * This module runs in jest's main process through plain Node require (not jest's module
 * registry), so it may only use Node's own modules.
 */
import { startCluster, type PostgresCluster } from '../../scripts/postgres-cluster';

/** False when TEST_POSTGRES=0: no cluster, no postgres jest project. */
export function postgresEnabled(): boolean {
  return process.env.TEST_POSTGRES !== '0';
}

// globalSetup and globalTeardown run in the same (main) jest process; the cluster is kept on
// globalThis between the two.
const CLUSTER = Symbol.for('latipay.tests.postgresCluster');
type WithCluster = typeof globalThis & { [CLUSTER]?: PostgresCluster };

/** jest globalSetup: starts a cluster unless TEST_DATABASE_URL is set or TEST_POSTGRES=0. */
export async function setupPostgres(): Promise<void> {
  if (!postgresEnabled() || process.env.TEST_DATABASE_URL) return;
  const cluster = await startCluster();
  (globalThis as WithCluster)[CLUSTER] = cluster;
  process.env.TEST_DATABASE_URL = cluster.url; // jest's workers are forked after this: they inherit it
}

/** jest globalTeardown: stops the cluster setupPostgres started, if any. */
export async function teardownPostgres(): Promise<void> {
  const holder = globalThis as WithCluster;
  const cluster = holder[CLUSTER];
  if (!cluster) return;
  delete holder[CLUSTER];
  if (process.env.TEST_DATABASE_URL === cluster.url) delete process.env.TEST_DATABASE_URL;
  await cluster.stop();
}
