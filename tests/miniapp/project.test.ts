// The mini app's project files, and what its code may depend on inside Alipay's JS engine.
import * as fs from 'fs';
import * as path from 'path';
import { PROJECT_ROOT } from './harness';
import { walk } from './harness/axml';

type Json = Record<string, unknown>;
const readJson = (file: string): Json => JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, file), 'utf8')) as Json;

const MINI_APP_SOURCES = [
  path.join(PROJECT_ROOT, 'app.ts'),
  ...['pages', 'components', 'utils', 'config'].flatMap((dir) => walk(path.join(PROJECT_ROOT, dir), '.ts')),
].filter((file) => !file.endsWith('.d.ts'));

describe('mini.project.json', () => {
  const project = readJson('mini.project.json');
  const compileOptions = project.compileOptions as Json;
  const ignored = ((compileOptions.transpile as Json).script as Json).ignore as string[];
  const uploadExclude = project.uploadExclude as string[];

  it('is format 2, a mini program, component2 and TypeScript', () => {
    expect(project).toMatchObject({ format: 2, compileType: 'mini', miniprogramRoot: './' });
    expect(compileOptions).toMatchObject({ component2: true, typescript: true });
    // antd-mini ships ES modules in node_modules/antd-mini/es.
    expect(compileOptions.enableNodeModuleBabelTransform).toBe(true);
  });

  it.each(['server/**', 'tests/**', 'bench/**', 'scripts/**', '.ci/**', 'data/**', 'jest.config.js'])(
    'keeps %s out of the compile and out of the package',
    (glob) => {
      expect(ignored).toContain(glob);
      expect(uploadExclude).toContain(glob);
    },
  );

  it('keeps docs and tooling files out of the package', () => {
    for (const glob of ['*.md', 'tsconfig.json', 'package-lock.json']) expect(uploadExclude).toContain(glob);
  });
});

describe('tsconfig.json (the mini app type check)', () => {
  const tsconfig = readJson('tsconfig.json');
  const options = tsconfig.compilerOptions as Json;

  it('is strict, against @mini-types/alipay only', () => {
    expect(options).toMatchObject({ strict: true, noImplicitThis: true, noEmit: true, types: ['@mini-types/alipay'] });
    expect(options.lib).toEqual(['ES2020']);
  });

  it('covers every mini app source', () => {
    expect(tsconfig.include).toEqual(
      expect.arrayContaining(['app.ts', 'pages/**/*.ts', 'components/**/*.ts', 'utils/**/*.ts', 'config/**/*.ts']),
    );
  });
});

describe('config/env.ts', () => {
  it('is the only module named env: the one place for the backend URLs', () => {
    const envModules = MINI_APP_SOURCES.map((file) => path.relative(PROJECT_ROOT, file).split(path.sep).join('/')).filter((file) =>
      /(^|\/)env\.ts$/.test(file),
    );
    expect(envModules).toEqual(['config/env.ts']);
    expect(fs.existsSync(path.join(PROJECT_ROOT, 'utils/env-version.ts'))).toBe(true);
  });
});

const IMPORT = /^\s*(import\s+(type\s+)?[\s\S]*?from\s+'([^']+)'|export\s+[\s\S]*?from\s+'([^']+)')/gm;

describe('mini app sources', () => {
  it('exist, and the import reader sees their imports', () => {
    expect(MINI_APP_SOURCES.length).toBeGreaterThan(20);
    const text = fs.readFileSync(path.join(PROJECT_ROOT, 'pages/result/result.ts'), 'utf8');
    const found = [...text.matchAll(IMPORT)].map((m) => [m[3] ?? m[4], Boolean(m[2])]);
    expect(found).toContainEqual(['../../server/contract', true]);
    expect(found).toContainEqual(['../../utils/checkout', false]);
  });

  it.each(MINI_APP_SOURCES.map((file) => [path.relative(PROJECT_ROOT, file)]))(
    '%s imports only mini app modules, and the backend contract as types',
    (file) => {
      const text = fs.readFileSync(path.join(PROJECT_ROOT, file), 'utf8');
      const imports = [...text.matchAll(IMPORT)];
      for (const match of imports) {
        const specifier = match[3] ?? match[4];
        expect({ file, specifier, relative: specifier.startsWith('.') }).toEqual({ file, specifier, relative: true });
        const target = path.resolve(path.dirname(path.join(PROJECT_ROOT, file)), specifier);
        const inServer = path.relative(PROJECT_ROOT, target).split(path.sep)[0] === 'server';
        if (inServer) {
          expect({ file, specifier, typeOnly: Boolean(match[2]) }).toEqual({ file, specifier, typeOnly: true });
          expect(path.relative(PROJECT_ROOT, target)).toBe(path.join('server', 'contract'));
        }
      }
    },
  );

  it.each(MINI_APP_SOURCES.map((file) => [path.relative(PROJECT_ROOT, file)]))(
    '%s uses nothing Alipay does not have (Node, fetch, DOM)',
    (file) => {
      const code = fs
        .readFileSync(path.join(PROJECT_ROOT, file), 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/\/\/.*$/gm, '');
      for (const forbidden of [/\brequire\(/, /\bprocess\./, /\bBuffer\b/, /\bfetch\(/, /\bwindow\./, /\bdocument\./, /\bXMLHttpRequest\b/, /\blocalStorage\b/]) {
        expect({ file, found: forbidden.test(code) ? String(forbidden) : null }).toEqual({ file, found: null });
      }
    },
  );
});
