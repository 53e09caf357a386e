import { formatCents } from '../../latipay/amount';

/** A day's bar of the paid-per-day chart, in the SVG's own units. */
export interface ChartBar {
  date: string;
  amount: string;
  x: number;
  y: number;
  width: number;
  height: number;
  /** The middle of the bar, where its tick goes. */
  center: number;
  /** The day shown under the bar ("05-01"), on every fifth day and the last; else null. */
  tick: string | null;
}

export interface Chart {
  width: number;
  /** Where the bars end on the right. */
  right: number;
  height: number;
  /** Where the bars stand. */
  baseline: number;
  bars: ChartBar[];
  /** The amount the top of the chart stands for. */
  top: string;
  total: string;
}

const WIDTH = 600;
const HEIGHT = 180;
const LEFT = 48;
/** Room for the last day's label, centred under the last bar. */
const RIGHT = 16;
const TOP = 12;
const BOTTOM = 24;
const GAP = 2;

const tenths = (value: number) => Math.round(value * 10) / 10;

/** Rounds up to 1, 2 or 5 times a power of ten, so the top of the chart is a round amount. */
function roundUp(cents: number): number {
  if (cents <= 0) return 100;
  const power = 10 ** Math.floor(Math.log10(cents));
  const step = [1, 2, 5, 10].find((m) => m * power >= cents)!;
  return step * power;
}

/**
 * The bars of a paid-per-day chart, drawn server-side as inline SVG (no script, nothing from
 * another site). Heights are scaled to a round top amount.
 */
export function paidPerDayChart(days: readonly { date: string; cents: number }[]): Chart {
  const top = roundUp(Math.max(0, ...days.map((d) => d.cents)));
  const baseline = HEIGHT - BOTTOM;
  const slot = (WIDTH - LEFT - RIGHT) / Math.max(days.length, 1);
  const bars = days.map((day, i) => {
    const height = tenths(((baseline - TOP) * day.cents) / top);
    const tickDay = (days.length - 1 - i) % 5 === 0;
    return {
      date: day.date,
      amount: formatCents(day.cents),
      x: tenths(LEFT + i * slot + GAP / 2),
      y: tenths(baseline - height),
      width: tenths(slot - GAP),
      height,
      center: tenths(LEFT + (i + 0.5) * slot),
      tick: tickDay ? day.date.slice(5) : null,
    };
  });
  const total = days.reduce((sum, day) => sum + day.cents, 0);
  return { width: WIDTH, right: WIDTH - RIGHT, height: HEIGHT, baseline, bars, top: formatCents(top), total: formatCents(total) };
}
