/**
 * Bytes the mini app would upload: its own files (TypeScript counted as the JavaScript it
 * compiles to) plus the antd-mini files actually reached from `usingComponents`, following
 * JS imports, AXML imports/includes, ACSS @imports and nested usingComponents.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

export const MAIN_PACKAGE_LIMIT_BYTES = 2 * 1024 * 1024;

const OWN_FILES = ['app.ts', 'app.json', 'app.acss'];
const OWN_DIRS = ['pages', 'components', 'utils', 'config'];
const COMPONENT_EXTENSIONS = ['.js', '.axml', '.acss', '.json', '.sjs'];

export interface PackageSize {
  ownBytes: number;
  libraryBytes: number;
  totalBytes: number;
  files: number;
  limitBytes: number;
}

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

function compiledSize(path: string): number {
  const source = readFileSync(path, 'utf8');
  if (!path.endsWith('.ts')) return Buffer.byteLength(source);
  if (path.endsWith('.d.ts')) return 0;
  const js = ts.transpileModule(source, { compilerOptions: { target: ts.ScriptTarget.ES2017, module: ts.ModuleKind.ESNext } });
  return Buffer.byteLength(js.outputText);
}

function resolveFile(base: string): string | null {
  for (const candidate of [base, ...COMPONENT_EXTENSIONS.map((ext) => base + ext), join(base, 'index.js')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return null;
}

function resolveComponentPath(root: string, fromFile: string, spec: string): string {
  if (spec.startsWith('/')) return join(root, spec);
  if (spec.startsWith('.')) return resolve(dirname(fromFile), spec);
  return join(root, 'node_modules', spec);
}

/** Files a library file refers to, as absolute paths. */
function referencesOf(root: string, file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs: string[] = [];
  const collect = (pattern: RegExp) => {
    for (const match of text.matchAll(pattern)) specs.push(match[1]);
  };
  if (file.endsWith('.js') || file.endsWith('.sjs')) {
    collect(/(?:from\s+|require\(\s*|import\s+)['"]([^'"]+)['"]/g);
  } else if (file.endsWith('.axml')) {
    collect(/<(?:import-sjs|import|include)\s[^>]*(?:from|src)=["']([^"']+)["']/g);
  } else if (file.endsWith('.acss')) {
    collect(/@import\s+(?:url\()?["']([^"']+)["']/g);
  } else if (file.endsWith('.json')) {
    const using = (JSON.parse(text) as { usingComponents?: Record<string, string> }).usingComponents ?? {};
    return Object.values(using).flatMap((spec) => componentFiles(resolveComponentPath(root, file, spec)));
  }
  return specs
    .filter((spec) => spec.startsWith('.') || spec.startsWith('/'))
    .map((spec) => resolveFile(resolveComponentPath(root, file, spec)))
    .filter((path): path is string => path !== null);
}

function componentFiles(base: string): string[] {
  return COMPONENT_EXTENSIONS.map((ext) => base + ext).filter((path) => existsSync(path));
}

export function measurePackage(root: string): PackageSize {
  const own = [...OWN_FILES.map((name) => join(root, name)).filter((path) => existsSync(path)), ...OWN_DIRS.flatMap((dir) => listFiles(join(root, dir)))];
  const ownBytes = own.reduce((sum, path) => sum + compiledSize(path), 0);

  const library = new Set<string>();
  const queue = own.filter((path) => path.endsWith('.json')).flatMap((path) => referencesOf(root, path));
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (library.has(file) || !relative(root, file).startsWith('node_modules')) continue;
    library.add(file);
    queue.push(...referencesOf(root, file));
  }
  const libraryBytes = [...library].reduce((sum, path) => sum + statSync(path).size, 0);
  return {
    ownBytes,
    libraryBytes,
    totalBytes: ownBytes + libraryBytes,
    files: own.length + library.size,
    limitBytes: MAIN_PACKAGE_LIMIT_BYTES,
  };
}

if (require.main === module) {
  console.log(measurePackage(resolve(__dirname, '..')));
}
