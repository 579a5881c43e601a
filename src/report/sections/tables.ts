/** Tables and verdicts the report's sections share. */
import type { ThresholdResult } from '../../gate/evaluate.js';
import { formatInterval, formatValue, type Figure } from '../figures.js';
import type { HtmlTable, Verdict } from '../page/page.js';

/** Headline figures: metric, value (mean), and the 95 % interval when the figures have one. */
export function figuresTable(figures: readonly Figure[], caption: string): HtmlTable {
  const withInterval = figures.some((f) => f.ciLow !== undefined);
  return {
    caption,
    header: withInterval ? ['metric', 'mean', '95 % interval'] : ['metric', 'value'],
    rows: figures.map((f) => (withInterval ? [f.label, formatValue(f.unit, f.value), formatInterval(f)] : [f.label, formatValue(f.unit, f.value)])),
    numeric: [false, true, true],
  };
}

export function thresholdVerdict(results: readonly ThresholdResult[] | undefined, basis: string): Verdict[] {
  if (!results || results.length === 0) return [];
  return [
    {
      title: `Thresholds (${basis})`,
      lines: results.map((r) => ({ ok: r.ok, text: r.threshold, detail: r.value === null ? (r.note ?? 'not measured') : `${r.metric} = ${formatValue(r.unit, r.value)}` })),
    },
  ];
}

/** A cell for a number of milliseconds. */
export const msCell = (x: number | null | undefined) => formatValue('ms', x ?? null);
export const pctCell = (x: number | null | undefined) => formatValue('fraction', x ?? null);
export const countCell = (x: number | null | undefined) => formatValue('count', x ?? null);
