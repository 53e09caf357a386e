/**
 * setupFiles of jest's "postgres" project: the tests of tests/server/ and tests/store/ run
 * against PostgreSQL (TEST_DATABASE_URL, see postgres.ts).
 *
 * This sets the test file's own process.env (jest gives each test file a copy of the real
 * one): code loaded by the test sees it, but a child process spawned without an explicit
 * `env` gets the real environment, without TEST_STORAGE; pass `env: { ...process.env }`.
 */
process.env.TEST_STORAGE = 'postgres';
