/**
 * setData as Alipay applies it: each key of the patch is a path ('a', 'a.b', 'list[0].name',
 * 'a.b[2][0].c'); the value replaces what is at that path, creating objects and arrays on the
 * way; other keys are left alone. Values cross to the render thread as data, so they are
 * copied, and anything that is not plain data (functions, class instances) is an error here
 * (Alipay drops it silently, which hides bugs).
 */
export type PathSegment = string | number;

export function parsePath(path: string): PathSegment[] {
  const segments: PathSegment[] = [];
  const pattern = /([^.[\]]+)|\[(\d+)\]|(\.)/g;
  let expectName = true;
  let consumed = 0;
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(path)) !== null) {
    if (match.index !== consumed) break;
    consumed = pattern.lastIndex;
    if (match[1] !== undefined) {
      if (!expectName) throw new Error(`bad setData path ${JSON.stringify(path)}`);
      segments.push(match[1]);
      expectName = false;
    } else if (match[2] !== undefined) {
      if (expectName) throw new Error(`bad setData path ${JSON.stringify(path)}`);
      segments.push(Number(match[2]));
    } else {
      if (expectName) throw new Error(`bad setData path ${JSON.stringify(path)}`);
      expectName = true;
    }
  }
  if (consumed !== path.length || expectName || segments.length === 0) {
    throw new Error(`bad setData path ${JSON.stringify(path)}`);
  }
  return segments;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

export function cloneData(value: unknown, where = 'data'): unknown {
  if (value === null || value === undefined) return value;
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
      return value;
    case 'function':
      throw new Error(`setData: ${where} is a function; only data can be rendered`);
    case 'object':
      if (Array.isArray(value)) return value.map((item, i) => cloneData(item, `${where}[${i}]`));
      if (isPlainObject(value)) {
        const copy: Record<string, unknown> = {};
        Object.keys(value).forEach((key) => {
          copy[key] = cloneData(value[key], `${where}.${key}`);
        });
        return copy;
      }
      throw new Error(`setData: ${where} is a ${Object.prototype.toString.call(value)}, not plain data`);
    default:
      throw new Error(`setData: ${where} is a ${typeof value}`);
  }
}

export function setPath(target: Record<string, unknown>, segments: PathSegment[], value: unknown): void {
  let node: Record<string | number, unknown> = target;
  for (let i = 0; i < segments.length - 1; i += 1) {
    const key = segments[i];
    const nextIsIndex = typeof segments[i + 1] === 'number';
    const existing = node[key];
    if (typeof existing !== 'object' || existing === null || (nextIsIndex && !Array.isArray(existing))) {
      node[key] = nextIsIndex ? [] : {};
    }
    node = node[key] as Record<string | number, unknown>;
  }
  node[segments[segments.length - 1]] = value;
}

export function applySetData(data: Record<string, unknown>, patch: Record<string, unknown>): void {
  if (!isPlainObject(patch)) throw new Error('setData needs an object');
  Object.keys(patch).forEach((path) => {
    setPath(data, parsePath(path), cloneData(patch[path], path));
  });
}
