// Template checks: what the Alipay compiler would reject or silently get wrong.
import * as fs from 'fs';
import * as path from 'path';
import { TransformCompiler } from '@alipay/axml-transverter';
import { createRuntime, isLocalComponent, PROJECT_ROOT, resolveComponentPath } from './harness';
import type { MiniRuntime } from './harness';
import {
  BUILT_IN_TAGS,
  EXPRESSION_LITERALS,
  bindingRoots,
  handlerNames,
  readTags,
  setDataKeys,
  stringKeys,
  templateNames,
  walk,
} from './harness/axml';
import { en } from '../../utils/strings-en';

type Json = Record<string, unknown>;
const readJson = (file: string): Json => JSON.parse(fs.readFileSync(file, 'utf8')) as Json;
const rel = (file: string): string => path.relative(PROJECT_ROOT, file).split(path.sep).join('/');

const appJson = readJson(path.join(PROJECT_ROOT, 'app.json')) as { pages: string[]; usingComponents?: Record<string, string> };
const pages = appJson.pages;
const components = walk(path.join(PROJECT_ROOT, 'components'), '.json').map((file) => rel(file).replace(/\.json$/, ''));
const templates: Array<[string, 'page' | 'component']> = [
  ...pages.map((p): [string, 'page'] => [p, 'page']),
  ...components.map((c): [string, 'component'] => [c, 'component']),
];

const compiler = new TransformCompiler({ platform: 'ALIPAY', customMapping: {} }, []);
const source = (id: string): string => fs.readFileSync(path.join(PROJECT_ROOT, `${id}.axml`), 'utf8');

let rt: MiniRuntime;
beforeAll(() => {
  rt = createRuntime();
});
afterAll(() => rt.dispose());

describe('the checks themselves catch mistakes', () => {
  it('the compiler rejects a bad expression', () => {
    expect(() => compiler.compile('<view>{{a + }}</view>')).toThrow();
    expect(() => compiler.compile('<view a:if="{{a ===}}"></view>')).toThrow();
  });

  it('the tag reader rejects what the compiler lets through', () => {
    expect(() => compiler.compile('<view><text>x</view>')).not.toThrow();
    expect(() => readTags('<view><text>x</view>')).toThrow(/closes/);
    expect(() => readTags('<view>')).toThrow(/unclosed/);
    expect(() => readTags('<view a="1"></view>>')).toThrow(/stray/);
    expect(readTags('<view a:if="{{a < b && c > d}}"><x-y p="{{1}}" /></view>').map((t) => t.name)).toEqual(['view', 'x-y']);
  });

  it('finds handlers and string keys', () => {
    expect(handlerNames('<view onTap="a" catchTap="b" onChange="{{c}}" />')).toEqual({ static: ['a', 'b'], dynamic: ['{{c}}'] });
    expect(stringKeys('<text>{{s.pay}} {{paying ? s.paying : s.pay}} {{xs.no}}</text>')).toEqual(['pay', 'paying', 'pay']);
  });

  it('finds the top-level names bindings read, and the names a template brings in', () => {
    expect(bindingRoots('<view a:if="{{state === \'ready\' && order.refunds.length > 0}}">{{paying ? s.paying : s.pay}} {{ a . b }} {{1.5e3}}</view>')).toEqual([
      'state',
      'order',
      'paying',
      's',
      's',
      'a',
    ]);
    expect(templateNames('<view a:for="{{xs}}" a:for-item="x"><view a:for="{{ys}}" /></view><import-sjs name="fmt" from="./f.sjs" />')).toEqual([
      'x',
      'index',
      'item',
      'index',
      'fmt',
    ]);
  });

  it('finds the keys setData sets', () => {
    const code = `this.setData({ state: 'x', errorText: describe(e, { a: 1 }), 'order.status': s, list, ...extra });
      page.setData(patch); this.setData({ [dynamic]: 1, note: \`a, \${b}\` })`;
    expect(setDataKeys(code)).toEqual(['state', 'errorText', 'order', 'list', 'note']);
  });
});

describe('project files', () => {
  it('app.json lists pages without suffix, the catalogue first', () => {
    expect(pages[0]).toBe('pages/index/index');
    for (const page of pages) expect(page).not.toMatch(/\.\w+$|^\//);
    expect(new Set(pages).size).toBe(pages.length);
  });

  it.each(pages)('%s has its .axml, .ts and .json, and is a page', (page) => {
    for (const ext of ['.axml', '.ts', '.json']) expect(fs.existsSync(path.join(PROJECT_ROOT, page + ext))).toBe(true);
    expect(readJson(path.join(PROJECT_ROOT, `${page}.json`)).component).toBeUndefined();
    expect(rt.pageConfigs.has(page)).toBe(true);
  });

  it.each(components)('%s has its .axml, .ts and .json, and is a component', (component) => {
    for (const ext of ['.axml', '.ts']) expect(fs.existsSync(path.join(PROJECT_ROOT, component + ext))).toBe(true);
    expect(readJson(path.join(PROJECT_ROOT, `${component}.json`)).component).toBe(true);
    expect(rt.componentConfigs.has(component)).toBe(true);
  });
});

describe.each(templates)('%s.axml', (id, kind) => {
  const text = source(id);
  const json = readJson(path.join(PROJECT_ROOT, `${id}.json`));
  const using: Record<string, string> = {
    ...(kind === 'page' ? (appJson.usingComponents ?? {}) : {}),
    ...((json.usingComponents as Record<string, string> | undefined) ?? {}),
  };

  it('compiles with @alipay/axml-transverter', () => {
    expect(() => compiler.compile(text)).not.toThrow();
  });

  it('has balanced tags, each built in or declared in usingComponents', () => {
    const undeclared = readTags(text)
      .map((tag) => tag.name)
      .filter((name) => !BUILT_IN_TAGS.has(name) && !(name in using));
    expect(undeclared).toEqual([]);
  });

  it('binds every event to a method that exists', () => {
    const config = (kind === 'page' ? rt.pageConfigs.get(id) : rt.componentConfigs.get(id)) as Json;
    const methods = (kind === 'page' ? config : (config.methods as Json | undefined) ?? {}) as Json;
    const { static: names, dynamic } = handlerNames(text);
    expect(dynamic).toEqual([]);
    expect(names.filter((name) => typeof methods[name] !== 'function')).toEqual([]);
  });

  it('declares only components it can find', () => {
    for (const [tag, ref] of Object.entries(using)) {
      const base = resolveComponentPath(PROJECT_ROOT, path.dirname(id), ref);
      const missing = ['.axml', '.json']
        .filter((ext) => !fs.existsSync(base + ext))
        .concat(fs.existsSync(`${base}.js`) || fs.existsSync(`${base}.ts`) ? [] : ['.js/.ts']);
      expect({ tag, ref, missing }).toEqual({ tag, ref, missing: [] });
      expect({ tag, component: readJson(`${base}.json`).component }).toEqual({ tag, component: true });
      if (!isLocalComponent(ref)) expect(ref).toMatch(/^antd-mini\/es\//);
    }
  });

  it('declares no component it does not use', () => {
    const used = new Set(readTags(text).map((tag) => tag.name));
    const declared = Object.keys((json.usingComponents as Record<string, string> | undefined) ?? {});
    expect(declared.filter((name) => !used.has(name))).toEqual([]);
  });

  it('binds only data it has (initial data, props, setData keys), its methods, loop variables and literals', () => {
    const config = (kind === 'page' ? rt.pageConfigs.get(id) : rt.componentConfigs.get(id)) as Json;
    const code = fs.readFileSync(path.join(PROJECT_ROOT, `${id}.ts`), 'utf8');
    const methods = (kind === 'page' ? config : (config.methods as Json | undefined) ?? {}) as Json;
    const known = new Set([
      ...Object.keys((config.data as Json | undefined) ?? {}),
      ...Object.keys((config.props as Json | undefined) ?? {}),
      ...setDataKeys(code),
      ...Object.keys(methods).filter((name) => typeof methods[name] === 'function'),
      ...templateNames(text),
      ...EXPRESSION_LITERALS,
    ]);
    expect(bindingRoots(text).filter((name) => !known.has(name))).toEqual([]);
  });

  it('colours every <ant-loading> (its default #fff is invisible on the light page)', () => {
    for (const tag of readTags(text).filter((t) => t.name === 'ant-loading')) {
      // antd-mini's spin loader takes only a hex colour code.
      expect(tag.attributes.color).toMatch(/^#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?$/);
      expect(tag.attributes.color.toLowerCase()).not.toMatch(/^#f{3}(f{3})?$/);
    }
  });

  if (kind === 'page') {
    it('shows only texts that exist in the string tables', () => {
      expect(stringKeys(text).filter((key) => !(key in en))).toEqual([]);
    });
  }
});

describe('antd-mini components used, down to what they use', () => {
  /** Missing files in a component's tree: its own usingComponents and the JS it imports. */
  function problemsOf(base: string, seen: Set<string>): string[] {
    if (seen.has(base)) return [];
    seen.add(base);
    const problems: string[] = [];
    for (const ext of ['.axml', '.json', '.js']) if (!fs.existsSync(base + ext)) problems.push(rel(base + ext));
    if (problems.length > 0) return problems;
    const using = (readJson(`${base}.json`).usingComponents as Record<string, string> | undefined) ?? {};
    for (const ref of Object.values(using)) {
      problems.push(...problemsOf(resolveComponentPath(PROJECT_ROOT, path.dirname(rel(base)), ref), seen));
    }
    problems.push(...moduleProblems(`${base}.js`, seen));
    return problems;
  }

  function moduleProblems(file: string, seen: Set<string>): string[] {
    if (seen.has(file)) return [];
    seen.add(file);
    const problems: string[] = [];
    const code = fs.readFileSync(file, 'utf8');
    for (const [, specifier] of code.matchAll(/(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\s+['"]([^'"]+)['"]/g)) {
      if (!specifier) continue;
      if (specifier.startsWith('.')) {
        const target = path.resolve(path.dirname(file), specifier);
        const found = [`${target}.js`, path.join(target, 'index.js'), target].find((f) => fs.existsSync(f) && fs.statSync(f).isFile());
        if (found) problems.push(...moduleProblems(found, seen));
        else problems.push(`${rel(file)} imports ${specifier}`);
      } else {
        const pkg = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0];
        if (!fs.existsSync(path.join(PROJECT_ROOT, 'node_modules', pkg, 'package.json'))) problems.push(`${rel(file)} imports ${specifier}`);
      }
    }
    return problems;
  }

  const antd = Array.from(
    new Set(
      templates.flatMap(([id]) =>
        Object.values((readJson(path.join(PROJECT_ROOT, `${id}.json`)).usingComponents as Record<string, string>) ?? {}),
      ),
    ),
  ).filter((ref) => !isLocalComponent(ref));

  it('are some', () => {
    expect(antd.length).toBeGreaterThan(5);
  });

  it.each(antd)('%s resolves, with every component and module it needs', (ref) => {
    expect(problemsOf(resolveComponentPath(PROJECT_ROOT, '', ref), new Set())).toEqual([]);
  });
});

describe('accessibility', () => {
  it('the tappable product card is a button with a label for screen readers', () => {
    const [card] = readTags(source('components/product-card/product-card'));
    expect(card.attributes).toMatchObject({ role: 'button', 'aria-label': '{{label}}', onTap: 'onTap' });
  });

  it('the cart entry is a button with a label that says how many items the cart holds', () => {
    const [entry] = readTags(source('components/cart-entry/cart-entry'));
    expect(entry.attributes).toMatchObject({ role: 'button', 'aria-label': '{{label}}', onTap: 'onTap' });
  });
});

describe('pull-down refresh', () => {
  it.each(['pages/index/index', 'pages/orders/orders'])('%s turns it on and handles it', (page) => {
    expect(readJson(path.join(PROJECT_ROOT, `${page}.json`)).pullRefresh).toBe(true);
    expect(typeof (rt.pageConfigs.get(page) as Json).onPullDownRefresh).toBe('function');
  });
});
