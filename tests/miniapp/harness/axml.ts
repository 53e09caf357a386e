/**
 * Static reading of AXML for the template checks. @alipay/axml-transverter throws on a bad
 * {{expression}} but silently closes unclosed tags, so tag balance is checked here.
 */
import * as fs from 'fs';
import * as path from 'path';

export const BUILT_IN_TAGS = new Set([
  'view', 'text', 'image', 'icon', 'button', 'input', 'textarea', 'label', 'form', 'picker',
  'picker-view', 'picker-view-column', 'slider', 'switch', 'radio', 'radio-group', 'checkbox',
  'checkbox-group', 'scroll-view', 'swiper', 'swiper-item', 'movable-view', 'movable-area',
  'navigator', 'block', 'slot', 'template', 'import', 'include', 'import-sjs', 'web-view',
  'rich-text', 'progress', 'map', 'canvas', 'video', 'camera', 'lottie', 'cover-view',
  'cover-image', 'page-meta', 'root-portal',
]);

export interface Tag {
  name: string;
  attributes: Record<string, string>;
}

/** Removes comments and {{expressions}} (which may contain < and >). */
function stripDynamic(source: string): string {
  return source.replace(/<!--[\s\S]*?-->/g, '').replace(/\{\{[\s\S]*?\}\}/g, (m) => m.replace(/[<>"]/g, '_'));
}

const TAG = /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[^\s=>/]+(?:\s*=\s*"[^"]*")?)*)\s*(\/?)>/g;
const ATTRIBUTE = /([^\s=>/]+)(?:\s*=\s*"([^"]*)")?/g;

/** Every opening tag with its attributes; throws on unbalanced or stray markup. */
export function readTags(source: string): Tag[] {
  const text = stripDynamic(source);
  const tags: Tag[] = [];
  const open: string[] = [];
  let last = 0;
  let match: RegExpExecArray | null;
  TAG.lastIndex = 0;
  while ((match = TAG.exec(text)) !== null) {
    const between = text.slice(last, match.index);
    if (between.indexOf('<') >= 0 || between.indexOf('>') >= 0) {
      throw new Error(`stray markup near ${JSON.stringify(between.trim().slice(0, 40))}`);
    }
    last = TAG.lastIndex;
    const [, closing, name, attributeText, selfClosing] = match;
    if (closing) {
      const expected = open.pop();
      if (expected !== name) throw new Error(`</${name}> closes <${expected ?? 'nothing'}>`);
      continue;
    }
    const attributes: Record<string, string> = {};
    ATTRIBUTE.lastIndex = 0;
    let attr: RegExpExecArray | null;
    while ((attr = ATTRIBUTE.exec(attributeText)) !== null) attributes[attr[1]] = attr[2] ?? '';
    tags.push({ name, attributes });
    if (!selfClosing) open.push(name);
  }
  const rest = text.slice(last);
  if (rest.indexOf('<') >= 0 || rest.indexOf('>') >= 0) throw new Error('stray markup at the end');
  if (open.length > 0) throw new Error(`unclosed <${open.join('>, <')}>`);
  return tags;
}

/** Static handler names bound by on... and catch... attributes; a {{dynamic}} one is reported as such. */
export function handlerNames(source: string): { static: string[]; dynamic: string[] } {
  const found = { static: [] as string[], dynamic: [] as string[] };
  const pattern = /\s(?:on|catch)[A-Z]\w*\s*=\s*"([^"]*)"/g;
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(source)) !== null) {
    if (match[1].indexOf('{{') >= 0) found.dynamic.push(match[1]);
    else found.static.push(match[1]);
  }
  return found;
}

/** `s.key` references inside {{expressions}} (the page's string table). */
export function stringKeys(source: string): string[] {
  const keys: string[] = [];
  for (const expression of source.match(/\{\{[\s\S]*?\}\}/g) ?? []) {
    for (const m of expression.matchAll(/(?<![\w.])s\.(\w+)/g)) keys.push(m[1]);
  }
  return keys;
}

export function walk(dir: string, extension: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return walk(full, extension);
    return entry.name.endsWith(extension) ? [full] : [];
  });
}

/** Names that need no data: literals, and what Alipay's expressions have built in. */
export const EXPRESSION_LITERALS = new Set(['true', 'false', 'null', 'undefined', 'NaN', 'Infinity']);

function withoutStrings(code: string): string {
  return code.replace(/'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|`(?:[^`\\]|\\.)*`/g, "''");
}

/**
 * The top-level names each {{expression}} reads: `order` in `{{order.refunds.length > 0}}`,
 * `paying`, `s` in `{{paying ? s.paying : s.pay}}`; not properties (`refunds`), nor strings.
 */
export function bindingRoots(source: string): string[] {
  const roots: string[] = [];
  for (const [, expression] of source.matchAll(/\{\{([\s\S]*?)\}\}/g)) {
    const code = withoutStrings(expression).replace(/\s*\.\s*/g, '.');
    for (const [name] of code.matchAll(/(?<![\w$.])[A-Za-z_$][\w$]*/g)) roots.push(name);
  }
  return roots;
}

/** Names a template brings in itself: loop variables (`item`, `index`, a:for-item/a:for-index) and import-sjs modules. */
export function templateNames(source: string): string[] {
  const names: string[] = [];
  for (const tag of readTags(source)) {
    if ('a:for' in tag.attributes) {
      names.push(tag.attributes['a:for-item'] || 'item', tag.attributes['a:for-index'] || 'index');
    }
    if (tag.name === 'import-sjs' && tag.attributes.name) names.push(tag.attributes.name);
  }
  return names;
}

/** The end of the bracket opened at `open` (index of `{`, `(` or `[`), skipping strings. */
function closingBracket(code: string, open: number): number {
  let depth = 0;
  for (let i = open; i < code.length; i += 1) {
    const c = code[i];
    if (c === "'" || c === '"' || c === '`') {
      i = code.indexOf(c, i + 1);
      while (i > 0 && code[i - 1] === '\\') i = code.indexOf(c, i + 1);
      if (i < 0) break;
    } else if (c === '{' || c === '(' || c === '[') {
      depth += 1;
    } else if (c === '}' || c === ')' || c === ']') {
      depth -= 1;
      if (depth === 0) return i;
    }
  }
  throw new Error(`unbalanced brackets from offset ${open}`);
}

/** The parts of an object literal's body separated by top-level commas. */
function topLevelParts(body: string): string[] {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < body.length; i += 1) {
    const c = body[i];
    if (c === '{' || c === '(' || c === '[' || c === "'" || c === '"' || c === '`') {
      i = c === "'" || c === '"' || c === '`' ? body.indexOf(c, i + 1) : closingBracket(body, i);
    } else if (c === ',') {
      parts.push(body.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(body.slice(start));
  return parts.map((part) => part.trim()).filter((part) => part !== '');
}

/**
 * The top-level data keys a page's or component's source sets with `setData({ … })` object
 * literals: `a` for `a: 1`, a shorthand `a`, `'a.b[0]': 1`; spreads (`...extra`) are skipped.
 */
export function setDataKeys(code: string): string[] {
  const keys: string[] = [];
  for (const match of code.matchAll(/\bsetData\(\s*\{/g)) {
    const open = (match.index ?? 0) + match[0].length - 1;
    const body = code.slice(open + 1, closingBracket(code, open));
    for (const part of topLevelParts(body)) {
      if (part.startsWith('...')) continue;
      const key = /^['"]?([A-Za-z_$][\w$]*)/.exec(part);
      if (key) keys.push(key[1]);
    }
  }
  return keys;
}
