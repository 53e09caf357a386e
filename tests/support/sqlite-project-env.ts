/** setupFiles of jest's "sqlite" project (every test): the storage is SQLite. See postgres-project-env.ts. */
process.env.TEST_STORAGE = 'sqlite';
