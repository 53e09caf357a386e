/**
 * The files the mini app package consists of, found the way the Alipay compiler finds them:
 * from app.json, its pages (and subPackages' pages) and every component their usingComponents
 * name, recursively; the modules their scripts import (TypeScript as the JavaScript it compiles
 * to, so `import type` and imports used only as types are not files the app needs); AXML
 * import/include/import-sjs, ACSS @import. Inside node_modules the same, for antd-mini's
 * components and whatever their scripts import, other packages included (tslib, …).
 *
 * Used by tests/miniapp/package.test.ts (nothing of the backend, the tests or the tools is in
 * it, and mini.project.json's uploadExclude leaves out everything else) and by
 * `npm run bench`'s package-size report (server/bench/package-size.ts).
 *
 *   tsx scripts/mini-package.ts     prints the list and the sizes
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

/** Alipay's limit for the main package. */
export const MAIN_PACKAGE_LIMIT_BYTES = 2 * 1024 * 1024;

/** The files a page or component is made of, beside its base path. */
const COMPONENT_EXTENSIONS = ['.ts', '.js', '.axml', '.acss', '.json', '.sjs'];
/** What a script's import may leave out, in the order tried. */
const SCRIPT_EXTENSIONS = ['.ts', '.js', '.sjs', '.json'];

export interface MiniAppPackage {
  /** The project's own files (app.*, pages, components, utils, config…), project-relative, '/'-separated, sorted. */
  own: string[];
  /** Files under node_modules, likewise. */
  library: string[];
  /** The npm packages those come from (antd-mini, and what its components import), sorted. */
  packages: string[];
}

export interface PackageSize {
  ownBytes: number;
  libraryBytes: number;
  totalBytes: number;
  files: number;
  limitBytes: number;
}

const posix = (path: string): string => path.split(sep).join('/');

function isFile(path: string): boolean {
  return existsSync(path) && statSync(path).isFile();
}

/** The npm package a node_modules path belongs to ('antd-mini', '@preact/signals-core'), or null. */
export function packageOf(projectPath: string): string | null {
  const parts = projectPath.split('/');
  const at = parts.lastIndexOf('node_modules');
  if (at < 0 || at + 1 >= parts.length) return null;
  return parts[at + 1].startsWith('@') ? parts.slice(at + 1, at + 3).join('/') : parts[at + 1];
}

/** Module specifiers of a script. TypeScript is compiled first: type-only imports vanish. */
function scriptImports(file: string): string[] {
  let code = readFileSync(file, 'utf8');
  if (file.endsWith('.ts')) {
    code = ts.transpileModule(code, { compilerOptions: { target: ts.ScriptTarget.ES2017, module: ts.ModuleKind.ESNext } }).outputText;
  }
  // (preProcessFile also reads AMD's define([...]): its 'require', 'exports', 'module' are not modules.)
  return ts.preProcessFile(code, true, true)
    .importedFiles.map((ref) => ref.fileName)
    .filter((spec) => !['require', 'exports', 'module'].includes(spec));
}

function templateImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/<(?:import-sjs|import|include)\s[^>]*?(?:from|src)=["']([^"']+)["']/g)].map((m) => m[1]);
}

function styleImports(file: string): string[] {
  const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
  return [...text.matchAll(/@import\s+(?:url\(\s*)?["']?([^"')\s;]+)/g)].map((m) => m[1]);
}

/** Every string an `exports` entry names, conditions flattened, TypeScript declarations left out. */
function exportTargets(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(exportTargets);
  if (value && typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).flatMap(([key, inner]) => (key === 'types' ? [] : exportTargets(inner)));
  }
  return [];
}

export function listMiniAppPackage(root: string): MiniAppPackage {
  root = resolve(root);
  const files = new Set<string>();
  const queue: string[] = [];
  const problems: string[] = [];
  const add = (file: string) => {
    if (file.endsWith('.d.ts') || files.has(file)) return;
    files.add(file);
    queue.push(file);
  };

  /** A path as the mini program writes it: '/x' from the project root, './x' from `from`'s folder. */
  const local = (from: string, spec: string) => (spec.startsWith('/') ? join(root, spec) : resolve(dirname(from), spec));

  /** node_modules/<package> folders Node would look in, nearest first. */
  function packageDirs(from: string, name: string): string[] {
    const dirs: string[] = [];
    for (let dir = dirname(from); ; dir = dirname(dir)) {
      if (!dir.endsWith(`${sep}node_modules`)) dirs.push(join(dir, 'node_modules', name));
      if (dir === root || dirname(dir) === dir) break;
    }
    return dirs;
  }

  /** A page or component: its files beside its base path. usingComponents paths without a '.' or '/' are npm ones. */
  function component(from: string, spec: string): void {
    let base: string;
    if (spec.startsWith('/') || spec.startsWith('.')) base = local(from, spec);
    else {
      const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
      const dir = packageDirs(from, name).find((d) => existsSync(d)) ?? join(root, 'node_modules', name);
      base = join(dir, spec.slice(name.length + 1));
      if (existsSync(join(dir, 'package.json'))) add(join(dir, 'package.json'));
    }
    const found = COMPONENT_EXTENSIONS.map((ext) => base + ext).filter(isFile);
    if (found.length === 0) problems.push(`${posix(relative(root, from))}: no component at ${spec}`);
    found.forEach(add);
  }

  function script(from: string, spec: string): void {
    if (spec.startsWith('/') || spec.startsWith('.')) {
      const base = local(from, spec);
      const candidates = [base, ...SCRIPT_EXTENSIONS.map((ext) => base + ext), ...SCRIPT_EXTENSIONS.map((ext) => join(base, `index${ext}`))];
      const found = candidates.find(isFile);
      if (found) add(found);
      else problems.push(`${posix(relative(root, from))}: cannot find ${spec}`);
      return;
    }
    const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
    const dir = packageDirs(from, name).find((d) => existsSync(join(d, 'package.json')));
    if (!dir) {
      problems.push(`${posix(relative(root, from))}: cannot find package ${spec}`);
      return;
    }
    const manifest = join(dir, 'package.json');
    add(manifest);
    const subpath = spec.slice(name.length + 1);
    if (subpath) return script(join(dir, 'package.json'), `./${subpath}`);
    // Which entry the Alipay compiler picks is not documented: keep every one the package names.
    const json = JSON.parse(readFileSync(manifest, 'utf8')) as { main?: string; module?: string; exports?: unknown };
    const exported = json.exports && typeof json.exports === 'object' && '.' in json.exports ? (json.exports as Record<string, unknown>)['.'] : json.exports;
    const entries = [json.main ?? 'index.js', json.module, ...exportTargets(exported)].filter((entry): entry is string => Boolean(entry));
    for (const entry of new Set(entries)) script(manifest, entry.startsWith('.') ? entry : `./${entry}`);
  }

  /** A template or style sheet another one imports. */
  function asset(from: string, spec: string): void {
    const target = local(from, spec);
    if (isFile(target)) add(target);
    else problems.push(`${posix(relative(root, from))}: cannot find ${spec}`);
  }

  for (const name of ['app.json', 'app.ts', 'app.js', 'app.acss']) if (isFile(join(root, name))) add(join(root, name));

  while (queue.length > 0) {
    const file = queue.shift()!;
    if (file.endsWith('.json') && !file.endsWith(`${sep}package.json`)) {
      const json = JSON.parse(readFileSync(file, 'utf8')) as {
        pages?: string[];
        subPackages?: Array<{ root: string; pages: string[] }>;
        usingComponents?: Record<string, string>;
      };
      if (file === join(root, 'app.json')) {
        for (const page of json.pages ?? []) component(file, `/${page}`);
        for (const sub of json.subPackages ?? []) for (const page of sub.pages) component(file, `/${sub.root}/${page}`);
      }
      for (const spec of Object.values(json.usingComponents ?? {})) component(file, spec);
    } else if (/\.(ts|js|sjs)$/.test(file)) {
      for (const spec of scriptImports(file)) script(file, spec);
    } else if (file.endsWith('.axml')) {
      for (const spec of templateImports(file)) {
        if (spec.endsWith('.sjs')) script(file, spec);
        else asset(file, spec);
      }
    } else if (file.endsWith('.acss')) {
      for (const spec of styleImports(file)) asset(file, spec);
    }
  }
  if (problems.length > 0) throw new Error(`The mini app package refers to files that do not exist:\n${problems.join('\n')}`);

  const all = [...files].map((file) => posix(relative(root, file))).sort();
  const library = all.filter((path) => packageOf(path) !== null);
  return {
    own: all.filter((path) => packageOf(path) === null),
    library,
    packages: [...new Set(library.map((path) => packageOf(path)!))].sort(),
  };
}

/** What a file weighs in the package: TypeScript as the JavaScript it compiles to. */
function compiledSize(file: string): number {
  const source = readFileSync(file, 'utf8');
  if (!file.endsWith('.ts')) return statSync(file).size;
  const js = ts.transpileModule(source, { compilerOptions: { target: ts.ScriptTarget.ES2017, module: ts.ModuleKind.ESNext } });
  return Buffer.byteLength(js.outputText);
}

export function measurePackage(root: string): PackageSize {
  const { own, library } = listMiniAppPackage(root);
  const ownBytes = own.reduce((sum, path) => sum + compiledSize(join(root, path)), 0);
  const libraryBytes = library.reduce((sum, path) => sum + statSync(join(root, path)).size, 0);
  return { ownBytes, libraryBytes, totalBytes: ownBytes + libraryBytes, files: own.length + library.length, limitBytes: MAIN_PACKAGE_LIMIT_BYTES };
}

if (require.main === module) {
  const root = resolve(__dirname, '..');
  const listing = listMiniAppPackage(root);
  for (const path of [...listing.own, ...listing.library]) console.log(path);
  console.log(measurePackage(root), listing.packages);
}
