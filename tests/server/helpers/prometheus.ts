import { http } from './http';

/** One sample line: its metric name, labels and value. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Exposition {
  /** Metric family name → its TYPE (counter, gauge, histogram, summary, untyped). */
  types: Map<string, string>;
  samples: Sample[];
  /** The value of the one sample with this name and exactly these labels; undefined when there is none. */
  value(name: string, labels?: Record<string, string>): number | undefined;
  /** The sum of every sample with this name whose labels include `labels`. */
  sum(name: string, labels?: Record<string, string>): number;
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL_NAME = '[a-zA-Z_][a-zA-Z0-9_]*';
const HELP_LINE = new RegExp(`^# HELP (${NAME}) (.*)$`);
const TYPE_LINE = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`);
const SAMPLE_LINE = new RegExp(`^(${NAME})(?:\\{(.*)\\})? (\\S+)(?: (-?\\d+))?$`);
const LABEL = new RegExp(`^(${LABEL_NAME})="((?:[^"\\\\\\n]|\\\\[\\\\"n])*)"(,|$)`);
const SUFFIXES: Record<string, string[]> = { histogram: ['_bucket', '_sum', '_count'], summary: ['', '_sum', '_count'] };

function parseLabels(text: string, line: string): Record<string, string> {
  const labels: Record<string, string> = {};
  let rest = text;
  while (rest !== '') {
    const match = LABEL.exec(rest);
    if (!match) throw new Error(`malformed labels in: ${line}`);
    if (match[1] in labels) throw new Error(`label ${match[1]} twice in: ${line}`);
    labels[match[1]] = match[2].replace(/\\(["\\n])/g, (_all, c: string) => (c === 'n' ? '\n' : c));
    rest = rest.slice(match[0].length);
  }
  return labels;
}

function parseValue(text: string, line: string): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (text === 'NaN') return NaN;
  if (!/^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) throw new Error(`malformed value in: ${line}`);
  return Number(text);
}

/** The family a sample belongs to, as declared by a TYPE line before it; throws when none is. */
function familyOf(name: string, types: Map<string, string>, line: string): string {
  if (types.has(name) && types.get(name) !== 'histogram') return name;
  for (const [family, type] of types) {
    if ((SUFFIXES[type] ?? []).some((suffix) => suffix !== '' && name === family + suffix)) return family;
  }
  throw new Error(`sample of an undeclared metric: ${line}`);
}

/**
 * A strict parser of Prometheus' text exposition format 0.0.4: every line is a HELP, a TYPE
 * (before the family's samples, once) or a sample of a declared family; labels are quoted and
 * escaped; values are floats. Throws on anything else.
 */
export function parseExposition(text: string): Exposition {
  if (!text.endsWith('\n')) throw new Error('the exposition does not end with a newline');
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  const seen = new Set<string>();
  for (const line of text.slice(0, -1).split('\n')) {
    if (line === '') continue;
    if (line.startsWith('# HELP ')) {
      if (!HELP_LINE.test(line)) throw new Error(`malformed HELP: ${line}`);
      continue;
    }
    if (line.startsWith('#')) {
      const type = TYPE_LINE.exec(line);
      if (!type) throw new Error(`malformed comment: ${line}`);
      if (types.has(type[1])) throw new Error(`TYPE twice for ${type[1]}`);
      types.set(type[1], type[2]);
      continue;
    }
    const sample = SAMPLE_LINE.exec(line);
    if (!sample) throw new Error(`malformed sample: ${line}`);
    familyOf(sample[1], types, line);
    const labels = parseLabels(sample[2] ?? '', line);
    const key = `${sample[1]}${JSON.stringify(Object.entries(labels).sort())}`;
    if (seen.has(key)) throw new Error(`the same series twice: ${line}`);
    seen.add(key);
    samples.push({ name: sample[1], labels, value: parseValue(sample[3], line) });
  }
  const matches = (sample: Sample, name: string, labels: Record<string, string>) =>
    sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value);
  return {
    types,
    samples,
    value(name, labels = {}) {
      const found = samples.filter((s) => matches(s, name, labels) && Object.keys(s.labels).length === Object.keys(labels).length);
      if (found.length > 1) throw new Error(`several samples of ${name} with ${JSON.stringify(labels)}`);
      return found[0]?.value;
    },
    sum(name, labels = {}) {
      return samples.filter((s) => matches(s, name, labels)).reduce((total, s) => total + s.value, 0);
    },
  };
}

/** GET /metrics with the bearer token, parsed; throws unless it answers 200 in Prometheus' text format. */
export async function scrape(url: string, token: string | null): Promise<Exposition> {
  const res = await http(`${url}/metrics`, { headers: token === null ? {} : { authorization: `Bearer ${token}` } });
  if (res.status !== 200) throw new Error(`GET /metrics answered ${res.status}: ${res.text}`);
  if (res.headers.get('content-type') !== 'text/plain; version=0.0.4; charset=utf-8') {
    throw new Error(`GET /metrics answered ${res.headers.get('content-type')}`);
  }
  return parseExposition(res.text);
}
