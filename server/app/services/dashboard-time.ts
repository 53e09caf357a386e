/**
 * Times in DASHBOARD_TIME_ZONE. The database keeps ISO 8601 UTC; the dashboard shows local
 * wall-clock times and counts local days, whose starts it turns back into UTC instants to
 * compare with the stored strings.
 */

const DAY_MS = 24 * 3600 * 1000;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

const formatters = new Map<string, Intl.DateTimeFormat>();
function partsFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function wallClock(ms: number, timeZone: string): WallClock {
  const fields: Record<string, number> = {};
  for (const part of partsFormatter(timeZone).formatToParts(new Date(ms))) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  return { year: fields.year, month: fields.month, day: fields.day, hour: fields.hour, minute: fields.minute, second: fields.second };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function dateOf(clock: WallClock): string {
  return `${pad(clock.year, 4)}-${pad(clock.month)}-${pad(clock.day)}`;
}

/** "2026-05-01 14:03:22", local to the time zone. */
export function formatDateTime(iso: string, timeZone: string): string {
  const clock = wallClock(Date.parse(iso), timeZone);
  return `${dateOf(clock)} ${pad(clock.hour)}:${pad(clock.minute)}:${pad(clock.second)}`;
}

/** The local date ("2026-05-01") of an instant. */
export function localDate(ms: number, timeZone: string): string {
  return dateOf(wallClock(ms, timeZone));
}

/** A "YYYY-MM-DD" that names a real calendar day, or null. */
export function parseDate(value: string): string | null {
  const match = DATE_PATTERN.exec(value);
  if (!match) return null;
  const [year, month, day] = match.slice(1).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day ? value : null;
}

/** The calendar day `days` after `date` (negative: before). */
export function addDays(date: string, days: number): string {
  const [year, month, day] = date.split('-').map(Number);
  return new Date(Date.UTC(year, month - 1, day) + days * DAY_MS).toISOString().slice(0, 10);
}

/** How far the zone's wall clock is ahead of UTC at an instant. */
function offsetMs(ms: number, timeZone: string): number {
  const c = wallClock(ms, timeZone);
  return Date.UTC(c.year, c.month - 1, c.day, c.hour, c.minute, c.second) - (ms - (ms % 1000));
}

/**
 * The UTC instant (ISO) at which a local day starts. The offset is taken again at the first
 * guess, so a day whose offset differs from the previous one (daylight saving) starts right.
 */
export function startOfLocalDay(date: string, timeZone: string): string {
  const [year, month, day] = date.split('-').map(Number);
  const midnightAsUtc = Date.UTC(year, month - 1, day);
  const first = midnightAsUtc - offsetMs(midnightAsUtc, timeZone);
  const second = midnightAsUtc - offsetMs(first, timeZone);
  return new Date(second).toISOString();
}
