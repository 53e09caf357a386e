/** Which database the tests of this jest project run the backend on (set by the project's setup file). */
export function testStorage(): 'sqlite' | 'postgres' {
  return process.env.TEST_STORAGE === 'postgres' ? 'postgres' : 'sqlite';
}
