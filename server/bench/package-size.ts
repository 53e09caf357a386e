/**
 * Bytes the mini app would upload: the files scripts/mini-package.ts lists (the same listing
 * tests/miniapp/package.test.ts checks mini.project.json's uploadExclude against), its own
 * TypeScript counted as the JavaScript it compiles to, plus the antd-mini files (and what they
 * import) actually reached from `usingComponents`.
 */
import { resolve } from 'node:path';
import { measurePackage } from '../../scripts/mini-package';

export { MAIN_PACKAGE_LIMIT_BYTES, measurePackage, type PackageSize } from '../../scripts/mini-package';

/** The project root: the mini app, one level above server/. */
export const MINI_APP_ROOT = resolve(__dirname, '..', '..');

if (require.main === module) {
  console.log(measurePackage(MINI_APP_ROOT));
}
