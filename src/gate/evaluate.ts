/**
 * Thresholds against a result's headline figures. A threshold whose metric
 * the result cannot give (no successful operation for a percentile, no
 * upstream header for a target share) fails: a gate that cannot be checked
 * does not pass.
 */
import { figureOf, formatValue, type Figure, type FigureUnit } from '../report/figures.js';
import { holds, thresholdUnit, type Threshold } from './threshold.js';

export interface ThresholdResult {
  threshold: string;
  metric: string;
  operator: string;
  limit: number;
  unit: FigureUnit;
  /** The figure checked; null when the result has none. */
  value: number | null;
  ok: boolean;
  /** Why it failed without a value ("not measured"), else null. */
  note: string | null;
}

export function evaluateThresholds(thresholds: readonly Threshold[], figures: readonly Figure[]): ThresholdResult[] {
  return thresholds.map((t) => {
    const figure = figureOf(figures, t.metric);
    const unit = figure?.unit ?? thresholdUnit(t.metric);
    const value = figure?.value ?? null;
    const base = { threshold: t.source, metric: t.metric, operator: t.operator, limit: t.limit, unit };
    if (value === null) return { ...base, value, ok: false, note: 'not measured' };
    return { ...base, value, ok: holds(t.operator, value, t.limit), note: null };
  });
}

export const anyFailed = (results: readonly ThresholdResult[]): boolean => results.some((r) => !r.ok);

/** The human block: one line per threshold with a pass/fail mark and the value checked. */
export function renderThresholds(results: readonly ThresholdResult[], basis: string): string {
  if (results.length === 0) return '';
  const width = Math.max(...results.map((r) => r.threshold.length));
  const failed = results.filter((r) => !r.ok).length;
  const lines = [`thresholds (${basis}): ${failed === 0 ? 'all passed' : `${failed} of ${results.length} FAILED`}`];
  for (const r of results) {
    const shown = r.value === null ? (r.note ?? 'n/a') : `${r.metric} = ${formatValue(r.unit, r.value)}`;
    lines.push(`  ${r.ok ? '✓ pass' : '✗ FAIL'}  ${r.threshold.padEnd(width)}  ${shown}`);
  }
  return lines.join('\n');
}
