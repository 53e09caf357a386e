/**
 * Two jest projects:
 * - "sqlite": every test but those only about PostgreSQL, the backend on SQLite (TEST_STORAGE=sqlite);
 * - "postgres": tests/server/ and tests/store/ again, the backend on PostgreSQL
 *   (TEST_STORAGE=postgres), each test on its own database (tests/support/postgres.ts), and
 *   tests/cluster/ (several backend processes on one database; the copy from SQLite).
 *
 * The PostgreSQL server: TEST_DATABASE_URL if set, else a throwaway cluster that the
 * globalSetup starts (Debian's postgresql package, /usr/lib/postgresql/<version>/bin; about a
 * second) and the globalTeardown removes. See tests/support/postgres-cluster.ts.
 *
 * TEST_POSTGRES=0 (e.g. `TEST_POSTGRES=0 npx jest tests/miniapp` for a quick local run): no
 * cluster and no postgres project, only the sqlite project.
 */
const postgres = process.env.TEST_POSTGRES !== '0';

// Inline projects do not inherit the top level's options: each one repeats them.
const shared = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tests/tsconfig.json', diagnostics: false }],
  },
  // The backend's packages (fastify, better-sqlite3, pg, tsx…) are installed in server/node_modules
  // only. Server code finds them by Node's own lookup; tests that import one directly find it
  // here, after the root node_modules (tests/tsconfig.json's `paths` say the same to tsc).
  modulePaths: ['<rootDir>/server/node_modules'],
  testTimeout: 20000,
};

/** @type {import('jest').Config} */
module.exports = {
  // jest takes testTimeout from the top level only (a project's own is ignored), so it is here too.
  testTimeout: shared.testTimeout,
  // At the top level, globalSetup/globalTeardown run once per run (before the workers start, so
  // they inherit TEST_DATABASE_URL), whichever projects or files are selected.
  ...(postgres && {
    globalSetup: '<rootDir>/tests/support/postgres-global-setup.ts',
    globalTeardown: '<rootDir>/tests/support/postgres-global-teardown.ts',
  }),
  projects: [
    {
      ...shared,
      displayName: 'sqlite',
      roots: ['<rootDir>/tests'],
      testMatch: ['**/*.test.ts'],
      // Only about PostgreSQL (several instances on one database, the copy from SQLite, the test
      // cluster itself): run by the postgres project.
      testPathIgnorePatterns: ['/tests/cluster/', '/tests/store/postgres-cluster\\.test\\.ts$'],
      setupFiles: ['<rootDir>/tests/support/sqlite-project-env.ts'],
    },
    ...(postgres
      ? [
          {
            ...shared,
            displayName: 'postgres',
            roots: ['<rootDir>/tests'],
            testMatch: ['<rootDir>/tests/server/**/*.test.ts', '<rootDir>/tests/store/**/*.test.ts', '<rootDir>/tests/cluster/**/*.test.ts'],
            // About SQLite itself (its group commit and WAL checkpoints): nothing to run on PostgreSQL.
            testPathIgnorePatterns: ['/tests/server/group-commit\\.test\\.ts$', '/tests/server/wal-checkpointer\\.test\\.ts$'],
            setupFiles: ['<rootDir>/tests/support/postgres-project-env.ts'],
          },
        ]
      : []),
  ],
};
