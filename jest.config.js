/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tests/tsconfig.json', diagnostics: false }],
  },
  // The backend's packages (fastify, better-sqlite3, tsx…) are installed in server/node_modules
  // only. Server code finds them by Node's own lookup; tests that import one directly find it
  // here, after the root node_modules (tests/tsconfig.json's `paths` say the same to tsc).
  modulePaths: ['<rootDir>/server/node_modules'],
  testTimeout: 20000,
};
