/**
 * A mini program runtime for jest: installs the fake `my` and the App/Page/Component
 * constructors as globals, loads app.ts, every page of app.json and every local component
 * they use (fresh modules per runtime), and runs pages on a navigation stack with Alipay's
 * lifecycle (onLoad(query) → onShow → onReady; onHide/onShow around navigateTo/back, around
 * the cashier (my.tradePay) and around going to the background (background()/foreground());
 * onUnload on redirectTo/navigateBack/reLaunch; at most 10 pages), and pull-down refresh
 * (pullDown(), only on a page whose JSON sets `"pullRefresh": true`).
 *
 * It runs on jest's fake timers (installed by load(), removed by dispose()): a page's timers
 * (request guards, confirmation polling) move only when the test advances them, and none
 * outlives the test. With `timers: 'real'` it leaves the clock alone, for tests whose real
 * servers run in this process too (fake timers would stop theirs).
 */
import * as fs from 'fs';
import * as path from 'path';
import { setImmediate as realSetImmediate } from 'timers';
import { FakeMy } from './fake-my';
import type { FakeMyOptions, Lifecycle, Navigator } from './fake-my';
import { applySetData, cloneData } from './set-data';

export const PROJECT_ROOT = path.resolve(__dirname, '../../..');
export const MAX_PAGE_STACK = 10;

type Hook = (...args: unknown[]) => unknown;
export type Config = Record<string, unknown>;

export interface PageInstance {
  route: string;
  data: Record<string, unknown>;
  setData(patch: Record<string, unknown>, callback?: () => void): void;
  [key: string]: unknown;
}

export interface ComponentInstance {
  is: string;
  props: Record<string, unknown>;
  data: Record<string, unknown>;
  setData(patch: Record<string, unknown>, callback?: () => void): void;
  [key: string]: unknown;
}

export interface MountedComponent {
  instance: ComponentInstance;
  setProps(next: Record<string, unknown>): void;
  unmount(): void;
}

interface AppJson {
  pages: string[];
  usingComponents?: Record<string, string>;
}

export interface RuntimeOptions extends FakeMyOptions {
  root?: string;
  /** 'fake' (the default): jest's fake timers from load() to dispose(). */
  timers?: 'fake' | 'real';
}

const GLOBALS = ['my', 'App', 'Page', 'Component', 'getApp', 'getCurrentPages'] as const;

function readJson(file: string): Config {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Config;
}

/** Resolves a usingComponents path the way the Alipay compiler does. */
export function resolveComponentPath(root: string, fromDir: string, ref: string): string {
  if (ref.startsWith('/')) return path.join(root, ref);
  if (ref.startsWith('.')) return path.join(root, fromDir, ref);
  return path.join(root, 'node_modules', ref);
}

export function isLocalComponent(ref: string): boolean {
  return ref.startsWith('/') || ref.startsWith('.');
}

function isPromise(value: unknown): value is Promise<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as Promise<unknown>).then === 'function';
}

function parseUrl(url: string): { target: string; query: Record<string, string> } {
  const [target, search = ''] = url.split('?');
  const query: Record<string, string> = {};
  search
    .split('&')
    .filter((pair) => pair !== '')
    .forEach((pair) => {
      const eq = pair.indexOf('=');
      const key = eq < 0 ? pair : pair.slice(0, eq);
      const value = eq < 0 ? '' : pair.slice(eq + 1);
      query[decodeURIComponent(key)] = decodeURIComponent(value);
    });
  return { target, query };
}

export class MiniRuntime {
  readonly root: string;
  readonly fake: FakeMy;
  readonly timers: 'fake' | 'real';
  readonly appJson: AppJson;
  readonly pageConfigs = new Map<string, Config>();
  readonly componentConfigs = new Map<string, Config>();
  appConfig: Config | null = null;
  app: Record<string, unknown> | null = null;
  readonly stack: PageInstance[] = [];
  /** Everything a page or component threw, synchronously or from a returned promise. */
  readonly errors: unknown[] = [];
  /** Every page ever opened, in order. */
  readonly opened: PageInstance[] = [];
  private readonly unloaded = new WeakSet<object>();
  private loading: string | null = null;
  private previousGlobals = new Map<string, unknown>();
  private componentIds = 0;

  constructor(options: RuntimeOptions = {}) {
    this.root = options.root ?? PROJECT_ROOT;
    this.timers = options.timers ?? 'fake';
    this.fake = new FakeMy(options);
    this.appJson = readJson(path.join(this.root, 'app.json')) as unknown as AppJson;
    const navigator: Navigator = {
      navigateTo: (url) => this.navigateTo(url),
      redirectTo: (url) => this.redirectTo(url),
      reLaunch: (url) => this.reLaunch(url),
      navigateBack: (delta) => this.navigateBack(delta),
    };
    this.fake.navigator = navigator;
    const lifecycle: Lifecycle = { coverPage: () => this.coverPage() };
    this.fake.lifecycle = lifecycle;
  }

  get my(): FakeMy {
    return this.fake;
  }

  /** Installs the globals and loads app.ts, the pages and their local components. */
  load(): this {
    if (this.timers === 'fake') jest.useFakeTimers();
    this.install();
    jest.isolateModules(() => {
      this.require('app', path.join(this.root, 'app.ts'));
      for (const route of this.appJson.pages) {
        this.require(route, path.join(this.root, `${route}.ts`));
      }
      const queue = this.appJson.pages.map((route) => route);
      const seen = new Set<string>();
      while (queue.length > 0) {
        const owner = queue.shift() as string;
        const json = readJson(path.join(this.root, `${owner}.json`));
        const using = { ...(this.appJson.usingComponents ?? {}), ...((json.usingComponents as Record<string, string>) ?? {}) };
        for (const ref of Object.values(using)) {
          if (!isLocalComponent(ref)) continue;
          const file = resolveComponentPath(this.root, path.dirname(owner), ref);
          const id = path.relative(this.root, file).split(path.sep).join('/');
          if (seen.has(id)) continue;
          seen.add(id);
          this.require(id, `${file}.ts`);
          queue.push(id);
        }
      }
    });
    return this;
  }

  private require(id: string, file: string): void {
    this.loading = id;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require(file);
    } finally {
      this.loading = null;
    }
  }

  private install(): void {
    const constructors: Record<(typeof GLOBALS)[number], unknown> = {
      my: this.fake.my,
      App: (config: Config) => {
        if (this.loading !== 'app') throw new Error('App() called outside app.ts');
        this.appConfig = config;
      },
      Page: (config: Config) => {
        if (!this.loading || this.loading === 'app') throw new Error('Page() called outside a page module');
        if (this.pageConfigs.has(this.loading)) throw new Error(`Page() called twice in ${this.loading}`);
        this.pageConfigs.set(this.loading, config);
      },
      Component: (config: Config) => {
        if (!this.loading || this.loading === 'app') throw new Error('Component() called outside a component module');
        if (this.componentConfigs.has(this.loading)) throw new Error(`Component() called twice in ${this.loading}`);
        this.componentConfigs.set(this.loading, config);
      },
      getApp: () => this.app,
      getCurrentPages: () => this.stack.slice(),
    };
    const target = globalThis as unknown as Record<string, unknown>;
    for (const name of GLOBALS) {
      this.previousGlobals.set(name, target[name]);
      target[name] = constructors[name];
    }
  }

  /** Starts the app and opens its first page (or `url`). */
  launch(url?: string): PageInstance {
    if (!this.appConfig) this.load();
    const config = this.appConfig as Config;
    this.app = { ...config, globalData: cloneData(config.globalData ?? {}) };
    const { target, query } = parseUrl(url ?? `/${this.appJson.pages[0]}`);
    this.call(this.app, 'onLaunch', { query, path: target.replace(/^\//, ''), scene: 1000 });
    this.call(this.app, 'onShow', { query, path: target.replace(/^\//, ''), scene: 1000 });
    const problem = this.reLaunch(url ?? `/${this.appJson.pages[0]}`);
    if (problem) throw new Error(problem);
    return this.current();
  }

  current(): PageInstance {
    const top = this.stack[this.stack.length - 1];
    if (!top) throw new Error('no page is open');
    return top;
  }

  isUnloaded(page: object): boolean {
    return this.unloaded.has(page);
  }

  /** Calls a page or component method as the framework does (an event handler, a hook). */
  call(target: object, name: string, ...args: unknown[]): unknown {
    const fn = (target as Record<string, unknown>)[name];
    if (typeof fn !== 'function') return undefined;
    const outer = this.fake.runningHook;
    this.fake.runningHook = name;
    try {
      const result = (fn as Hook).apply(target, args);
      if (isPromise(result)) {
        result.then(undefined, (error: unknown) => {
          this.errors.push(error);
        });
      }
      return result;
    } catch (error) {
      this.errors.push(error);
      return undefined;
    } finally {
      this.fake.runningHook = outer;
    }
  }

  /**
   * Something covers the page on top (the cashier): onHide now; the function returned gives
   * it onShow, unless it has gone or another page is on top by then.
   */
  coverPage(): () => void {
    const page = this.stack[this.stack.length - 1];
    if (!page) return () => undefined;
    this.call(page, 'onHide');
    return () => {
      if (!this.unloaded.has(page) && this.stack[this.stack.length - 1] === page) this.call(page, 'onShow');
    };
  }

  /** The shopper leaves Alipay (home button, another app): App onHide, then the page's onHide. */
  background(): void {
    if (this.app) this.call(this.app, 'onHide');
    if (this.stack.length > 0) this.call(this.current(), 'onHide');
  }

  /** …and comes back: App onShow, then the page's onShow. */
  foreground(): void {
    const route = this.stack.length > 0 ? this.current().route : this.appJson.pages[0];
    if (this.app) this.call(this.app, 'onShow', { query: {}, path: route, scene: 1000 });
    if (this.stack.length > 0) this.call(this.current(), 'onShow');
  }

  /**
   * The shopper pulls the page down: onPullDownRefresh({ from: 'manual' }), as Alipay calls it
   * only on a page whose JSON sets `"pullRefresh": true`. Returns what the hook returned;
   * `fake.pullRefreshing` stays true until the page calls my.stopPullDownRefresh.
   */
  pullDown(page: PageInstance = this.current()): unknown {
    const json = readJson(path.join(this.root, `${page.route}.json`));
    if (json.pullRefresh !== true) throw new Error(`${page.route}.json does not set "pullRefresh": true`);
    this.fake.pullRefreshing = true;
    return this.call(page, 'onPullDownRefresh', { from: 'manual' });
  }

  /** The shopper scrolls to the bottom of the page: onReachBottom. */
  reachBottom(page: PageInstance = this.current()): unknown {
    return this.call(page, 'onReachBottom');
  }

  /** Fires an event handler on the current page (or `page`); returns what it returned. */
  tap(name: string, event: unknown = {}, page: PageInstance = this.current()): unknown {
    if (typeof page[name] !== 'function') throw new Error(`${page.route} has no method ${name}`);
    return this.call(page, name, event);
  }

  /**
   * Lets every pending callback, promise and navigation run. The fake `my` answers through
   * promises only, so draining the microtask queue (a real setImmediate runs after it) is
   * enough; fake timers stay where they are.
   */
  async settle(rounds = 3): Promise<void> {
    for (let i = 0; i < rounds; i += 1) {
      await new Promise<void>((resolve) => realSetImmediate(() => resolve()));
    }
  }

  private resolve(url: string): { route: string; query: Record<string, string> } | string {
    const { target, query } = parseUrl(url);
    let route: string;
    if (target.startsWith('/')) {
      route = target.slice(1);
    } else {
      const base = this.stack.length > 0 ? path.posix.dirname(this.current().route) : '';
      route = path.posix.join(base, target);
    }
    if (this.appJson.pages.indexOf(route) < 0) return `page ${route} is not in app.json`;
    return { route, query };
  }

  private instantiate(route: string, query: Record<string, string>): PageInstance {
    const config = this.pageConfigs.get(route);
    if (!config) throw new Error(`page ${route} did not call Page()`);
    const page = Object.create(null) as PageInstance;
    Object.keys(config).forEach((key) => {
      if (key !== 'data') page[key] = typeof config[key] === 'function' ? config[key] : cloneData(config[key], key);
    });
    const initial = typeof config.data === 'function' ? (config.data as () => unknown)() : (config.data ?? {});
    page.data = cloneData(initial) as Record<string, unknown>;
    page.route = route;
    page.query = query;
    page.setData = (patch, callback) => {
      if (this.unloaded.has(page)) return; // Alipay ignores setData on a closed page.
      applySetData(page.data, patch);
      if (callback) void Promise.resolve().then(callback);
    };
    return page;
  }

  private open(route: string, query: Record<string, string>): void {
    const page = this.instantiate(route, query);
    this.stack.push(page);
    this.opened.push(page);
    this.call(page, 'onLoad', { ...query });
    this.call(page, 'onShow');
    void Promise.resolve().then(() => {
      if (!this.unloaded.has(page)) this.call(page, 'onReady');
    });
  }

  private unload(page: PageInstance): void {
    this.call(page, 'onUnload');
    this.unloaded.add(page);
  }

  navigateTo(url: string): string | null {
    const target = this.resolve(url);
    if (typeof target === 'string') return target;
    if (this.stack.length >= MAX_PAGE_STACK) return `page stack is full (${MAX_PAGE_STACK})`;
    if (this.stack.length > 0) this.call(this.current(), 'onHide');
    this.open(target.route, target.query);
    return null;
  }

  redirectTo(url: string): string | null {
    const target = this.resolve(url);
    if (typeof target === 'string') return target;
    const top = this.stack.pop();
    if (top) this.unload(top);
    this.open(target.route, target.query);
    return null;
  }

  reLaunch(url: string): string | null {
    const target = this.resolve(url);
    if (typeof target === 'string') return target;
    while (this.stack.length > 0) this.unload(this.stack.pop() as PageInstance);
    this.open(target.route, target.query);
    return null;
  }

  navigateBack(delta: number): string | null {
    const pops = Math.min(Math.max(1, delta), this.stack.length - 1);
    if (pops <= 0) return null;
    for (let i = 0; i < pops; i += 1) this.unload(this.stack.pop() as PageInstance);
    this.call(this.current(), 'onShow');
    return null;
  }

  /** Creates a component from its captured config, as a parent template would. */
  mountComponent(id: string, props: Record<string, unknown> = {}): MountedComponent {
    const config = this.componentConfigs.get(id);
    if (!config) throw new Error(`component ${id} did not call Component()`);
    const instance = Object.create(null) as ComponentInstance;
    const methods = (config.methods ?? {}) as Record<string, unknown>;
    Object.keys(methods).forEach((key) => {
      instance[key] = methods[key];
    });
    ['onInit', 'deriveDataFromProps', 'didMount', 'didUpdate', 'didUnmount'].forEach((hook) => {
      if (typeof config[hook] === 'function') instance[hook] = config[hook];
    });
    instance.is = id;
    instance.$id = (this.componentIds += 1);
    instance.props = { ...((config.props ?? {}) as Record<string, unknown>), ...props };
    const initial = typeof config.data === 'function' ? (config.data as () => unknown)() : (config.data ?? {});
    instance.data = cloneData(initial) as Record<string, unknown>;
    let mounted = true;
    instance.setData = (patch, callback) => {
      if (!mounted) return;
      applySetData(instance.data, patch);
      if (callback) void Promise.resolve().then(callback);
    };
    this.call(instance, 'onInit');
    this.call(instance, 'deriveDataFromProps', instance.props);
    this.call(instance, 'didMount');
    return {
      instance,
      setProps: (next) => {
        const nextProps = { ...instance.props, ...next };
        const prevProps = instance.props;
        const prevData = cloneData(instance.data);
        this.call(instance, 'deriveDataFromProps', nextProps);
        instance.props = nextProps;
        this.call(instance, 'didUpdate', prevProps, prevData);
      },
      unmount: () => {
        this.call(instance, 'didUnmount');
        mounted = false;
      },
    };
  }

  /** Closes every page, restores the globals, and fails on anything a page threw. */
  dispose(): void {
    while (this.stack.length > 0) this.unload(this.stack.pop() as PageInstance);
    const target = globalThis as unknown as Record<string, unknown>;
    this.previousGlobals.forEach((value, name) => {
      if (value === undefined) delete target[name];
      else target[name] = value;
    });
    this.previousGlobals.clear();
    if (this.timers === 'fake') jest.useRealTimers();
    const problems = [...this.errors, ...this.fake.problems];
    if (problems.length > 0) {
      throw new Error(`the mini app or the test setup threw:\n${problems.map((p) => (p instanceof Error ? p.stack : String(p))).join('\n')}`);
    }
  }
}

export function createRuntime(options: RuntimeOptions = {}): MiniRuntime {
  return new MiniRuntime(options).load();
}
