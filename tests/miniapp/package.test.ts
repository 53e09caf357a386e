// What the mini app package consists of, and what `minidev upload` would send of this folder.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
// minimatch is what minidev matches uploadExclude with (3.0.4 there; jest's copy here, same rules
// for these globs: extglobs on, and `*`/`**` never match a name that starts with a dot).
import { minimatch } from 'minimatch';
import { listMiniAppPackage, measurePackage, packageOf, type MiniAppPackage } from '../../scripts/mini-package';
import { PROJECT_ROOT } from './harness';

type Json = Record<string, unknown>;
const readJson = (file: string): Json => JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, file), 'utf8')) as Json;

const project = readJson('mini.project.json');
const uploadExclude = project.uploadExclude as string[];
const compileIgnore = (((project.compileOptions as Json).transpile as Json).script as Json).ignore as string[];

/** Project files the upload carries beside the app's own: the project file and the npm manifest. */
const PROJECT_FILES = ['mini.project.json', 'package.json'];
/** Where the app's own files may live. */
const OWN_PLACES = /^(app\.(ts|js|json|acss)|(pages|components|utils|config)\/.+)$/;
/** Folders of this repository that are no part of the mini app. */
const NOT_THE_APP = ['server/', 'tests/', 'scripts/', 'bench/', '.ci/', 'data/', 'coverage/', 'test-output/'];

/** Every path below `root`, '/'-separated, symbolic links included (not followed). */
function walk(root: string, dir = ''): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = dir ? `${dir}/${entry.name}` : entry.name;
    return entry.isDirectory() ? walk(root, rel) : [rel];
  });
}

/** minidev 2's own skips: inside a project (outside node_modules) these folders never go. */
const SKIPPED_SEGMENTS = new Set(['.git', '.svn', '.idea', '.vscode', '.tea', '.entry', '.miniu', 'miniu_dist', '.bin', '.node']);

function skippedByMinidev(rel: string): boolean {
  if (/(^|\/)node_modules\/\.cache(\/|$)/.test(rel)) return true;
  const segments = rel.split('/');
  const firstNodeModules = segments.indexOf('node_modules');
  const outside = firstNodeModules < 0 ? segments : segments.slice(0, firstNodeModules);
  return outside.some((segment) => SKIPPED_SEGMENTS.has(segment));
}

const matchesAny = (globs: string[], rel: string): boolean => globs.some((glob) => minimatch(rel, glob));

/** The files `minidev upload` packs: all of them, less its own skips and uploadExclude. */
function uploadedFiles(root: string, exclude: string[]): string[] {
  return walk(root)
    .filter((rel) => !skippedByMinidev(rel) && !matchesAny(exclude, rel))
    .sort();
}

let files: string[];
let listing: MiniAppPackage;
let uploaded: string[];
beforeAll(() => {
  files = walk(PROJECT_ROOT);
  listing = listMiniAppPackage(PROJECT_ROOT);
  uploaded = uploadedFiles(PROJECT_ROOT, uploadExclude);
});

describe('the package listing', () => {
  it('follows app.json, usingComponents, imports and templates, and leaves type-only imports out', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mini-package-'));
    const write = (file: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      fs.writeFileSync(path.join(root, file), text);
    };
    try {
      write('app.json', JSON.stringify({ pages: ['pages/a/a'] }));
      write('app.ts', "import { start } from './utils/start';\nApp({ onLaunch: start });\n");
      write('utils/start.ts', "import type { Order } from '../server/contract';\nexport const start = (o?: Order) => o;\n");
      write('utils/unused.ts', 'export const x = 1;\n');
      write('utils/types-only.ts', 'export const y = 1;\n');
      write('server/contract.ts', 'export interface Order { id: string }\n');
      write('pages/a/a.json', JSON.stringify({ usingComponents: { card: '/components/card/card', btn: 'lib/es/Btn/index' } }));
      write('pages/a/a.ts', "import { y } from '../../utils/types-only';\nPage({ data: {} as { y: typeof y } });\n");
      write('pages/a/a.axml', '<import-sjs name="f" from="./f.sjs" /><card />');
      write('pages/a/f.sjs', "import g from './g.sjs';\nexport default g;\n");
      write('pages/a/g.sjs', 'export default 1;\n');
      write('components/card/card.json', JSON.stringify({ component: true }));
      write('components/card/card.ts', 'Component({});\n');
      write('components/card/card.acss', "@import './base.acss';\n");
      write('components/card/base.acss', '.a {}\n');
      write('node_modules/lib/package.json', JSON.stringify({ name: 'lib' }));
      write('node_modules/lib/es/Btn/index.json', JSON.stringify({ component: true, usingComponents: { icon: '../Icon/index' } }));
      write('node_modules/lib/es/Btn/index.js', "import { __assign } from 'tslib';\nimport { fmt } from '../_util/fmt';\n");
      write('node_modules/lib/es/Btn/index.d.ts', 'export {};\n');
      write('node_modules/lib/es/Icon/index.axml', '<view />');
      write('node_modules/lib/es/Other/index.js', '');
      write('node_modules/lib/es/_util/fmt.js', 'export const fmt = 1;\n');
      write('node_modules/tslib/package.json', JSON.stringify({ main: 'tslib.js', module: 'tslib.es6.js' }));
      write('node_modules/tslib/tslib.js', 'module.exports = {};\n');
      write('node_modules/tslib/tslib.es6.js', 'export {};\n');
      write('node_modules/tslib/README.md', '');

      expect(listMiniAppPackage(root)).toEqual({
        own: [
          'app.json',
          'app.ts',
          'components/card/base.acss',
          'components/card/card.acss',
          'components/card/card.json',
          'components/card/card.ts',
          'pages/a/a.axml',
          'pages/a/a.json',
          'pages/a/a.ts',
          'pages/a/f.sjs',
          'pages/a/g.sjs',
          'utils/start.ts',
        ],
        library: [
          'node_modules/lib/es/Btn/index.js',
          'node_modules/lib/es/Btn/index.json',
          'node_modules/lib/es/Icon/index.axml',
          'node_modules/lib/es/_util/fmt.js',
          'node_modules/lib/package.json',
          'node_modules/tslib/package.json',
          'node_modules/tslib/tslib.es6.js',
          'node_modules/tslib/tslib.js',
        ],
        packages: ['lib', 'tslib'],
      });

      write('pages/a/a.json', JSON.stringify({ usingComponents: { gone: '/components/gone/gone' } }));
      expect(() => listMiniAppPackage(root)).toThrow('pages/a/a.json: no component at /components/gone/gone');
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('has every page of app.json and the antd-mini components the pages use', () => {
    const pages = (readJson('app.json').pages as string[]).flatMap((page) => [`${page}.ts`, `${page}.axml`, `${page}.json`]);
    expect(listing.own).toEqual(expect.arrayContaining(['app.json', 'app.ts', ...pages, 'config/env.ts', 'utils/request.ts']));
    expect(listing.library).toEqual(
      expect.arrayContaining(['node_modules/antd-mini/es/Button/index.js', 'node_modules/antd-mini/es/Button/index.axml', 'node_modules/antd-mini/es/Result/index.js']),
    );
  });

  it('holds nothing of the backend, the tests or the tools: own files are the app, type-only imports of server/ stay out', () => {
    expect(listing.own.filter((file) => !OWN_PLACES.test(file))).toEqual([]);
    expect(listing.own.filter((file) => file.endsWith('.d.ts'))).toEqual([]);
  });

  it('takes from node_modules only antd-mini and the packages its used components import', () => {
    const antd = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'node_modules/antd-mini/package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(listing.packages[0]).toBe('antd-mini');
    for (const name of listing.packages.slice(1)) expect({ name, antdMiniDependency: name in antd.dependencies }).toEqual({ name, antdMiniDependency: true });
    // Never a dev tool (the root's devDependencies) or a backend package (server/package.json).
    const root = readJson('package.json') as { devDependencies: Record<string, string> };
    const server = readJson('server/package.json') as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
    const forbidden = [...Object.keys(root.devDependencies), ...Object.keys(server.dependencies), ...Object.keys(server.devDependencies)];
    expect(listing.packages.filter((name) => forbidden.includes(name))).toEqual([]);
    // Only the package's own copy at the root, never one from server/node_modules.
    expect(listing.library.filter((file) => !file.startsWith('node_modules/'))).toEqual([]);
  });

  it('is well under the 2 MB of a main package', () => {
    const size = measurePackage(PROJECT_ROOT);
    expect(size.files).toBe(listing.own.length + listing.library.length);
    expect(size.totalBytes).toBeLessThan(size.limitBytes / 4);
  });
});

describe("mini.project.json's uploadExclude", () => {
  it('reads globs as minidev does (minimatch: extglobs, no dot names for * and **)', () => {
    expect(minimatch('node_modules/jest/build/index.js', 'node_modules/!(antd-mini|tslib)/**')).toBe(true);
    expect(minimatch('node_modules/antd-mini/es/Button/index.js', 'node_modules/!(antd-mini|tslib)/**')).toBe(false);
    expect(minimatch('server/node_modules/.bin/tsx', 'server/**')).toBe(false);
    expect(skippedByMinidev('server/node_modules/.bin/tsx')).toBe(false);
    expect(skippedByMinidev('.git/config')).toBe(true);
  });

  it('leaves exactly the listed files in the upload, with mini.project.json and package.json', () => {
    const expected = [...listing.own, ...listing.library, ...PROJECT_FILES].sort();
    const extra = uploaded.filter((file) => !expected.includes(file));
    const missing = expected.filter((file) => !uploaded.includes(file));
    expect({ extra, missing }).toEqual({ extra: [], missing: [] });
  });

  it('leaves out server/, tests/, scripts/, bench/ and node_modules but for antd-mini and what it needs', () => {
    const leaked = uploaded.filter((file) => NOT_THE_APP.some((dir) => file.startsWith(dir)));
    expect(leaked).toEqual([]);
    expect(files.filter((file) => file.startsWith('server/node_modules/')).length).toBeGreaterThan(1000);
    const fromNodeModules = uploaded.filter((file) => packageOf(file) !== null);
    expect(new Set(fromNodeModules.map((file) => packageOf(file)))).toEqual(new Set(listing.packages));
    expect(fromNodeModules.length).toBeLessThan(files.filter((file) => file.startsWith('node_modules/antd-mini/')).length / 10);
  });

  it('sends no symbolic link (minidev refuses links that leave the folder)', () => {
    expect(uploaded.filter((file) => fs.lstatSync(path.join(PROJECT_ROOT, file)).isSymbolicLink())).toEqual([]);
  });
});

describe("mini.project.json's compile ignore", () => {
  const isScript = (file: string) => /\.(ts|js|mjs|cjs)$/.test(file);

  it('keeps the scripts of server/, tests/, scripts/ and of packages the app does not use out of the compile', () => {
    const compiled = files.filter((file) => isScript(file) && !skippedByMinidev(file) && !file.split('/').some((s) => s.startsWith('.')) && !matchesAny(compileIgnore, file));
    expect(compiled.filter((file) => NOT_THE_APP.some((dir) => file.startsWith(dir)))).toEqual([]);
    expect(compiled.filter((file) => packageOf(file) !== null && !listing.packages.includes(packageOf(file)!))).toEqual([]);
  });

  it('compiles every script the app uses', () => {
    expect([...listing.own, ...listing.library].filter((file) => isScript(file) && matchesAny(compileIgnore, file))).toEqual([]);
  });
});
