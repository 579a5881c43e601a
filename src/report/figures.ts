/**
 * The headline figures of a result, one list for every consumer: the HTML
 * report's tables, the CSV files and the thresholds all read them, so a
 * metric is named, measured and formatted once. A prediction's figures are
 * means over replications with their 95 % interval; a run's are single values.
 *
 * Metric names are the threshold names (snake_case): error_rate (failed
 * operations / operations), p50 / p95 / p99 (successful operations, the seed
 * tool's percentile), p95_all (every operation, failures at the time they
 * failed), http_5xx (HTTP responses with a 5xx status, retries included),
 * max_target_share (largest share of burst requests one target served; all
 * requests when the load has no bursts).
 */
import type { Interval } from '../sim/stats/interval.js';

export type FigureUnit = 'fraction' | 'ms' | 'count' | 'ops/s';

export interface Figure {
  metric: string;
  label: string;
  unit: FigureUnit;
  /** null when the result cannot say (no successful operation, no upstream header, ...). */
  value: number | null;
  /** 95 % interval over replications (predictions only). */
  ciLow?: number;
  ciHigh?: number;
}

/** A figure from an interval (NaN mean: not measured). */
export function intervalFigure(metric: string, label: string, unit: FigureUnit, interval: Interval | undefined): Figure {
  if (!interval || !Number.isFinite(interval.mean)) return { metric, label, unit, value: null };
  // One replication has a value but no interval (confidenceInterval collapses it to the value).
  if (interval.n < 2) return { metric, label, unit, value: interval.mean };
  return { metric, label, unit, value: interval.mean, ciLow: interval.ciLow, ciHigh: interval.ciHigh };
}

export function valueFigure(metric: string, label: string, unit: FigureUnit, value: number | null | undefined): Figure {
  return { metric, label, unit, value: value === undefined || value === null || !Number.isFinite(value) ? null : value };
}

/** The unit a CSV column or a table header shows for a figure's unit. */
export const UNIT_LABEL: Record<FigureUnit, string> = { fraction: 'fraction', ms: 'ms', count: 'count', 'ops/s': 'operations/s' };

/** A figure's value for people: 0.055 % / 13,138 ms / 1,234 / 25.3 operations/s; "n/a" when absent. */
export function formatValue(unit: FigureUnit, value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return 'n/a';
  switch (unit) {
    case 'fraction':
      return `${(100 * value).toFixed(Math.abs(value) < 0.001 && value !== 0 ? 3 : 2)} %`;
    case 'ms':
      return `${Math.round(value).toLocaleString('en-US')} ms`;
    case 'count':
      return Math.abs(value) >= 100 || Number.isInteger(value) ? Math.round(value).toLocaleString('en-US') : value.toFixed(1);
    case 'ops/s':
      return `${value.toFixed(value >= 100 ? 0 : 1)} operations/s`;
  }
}

/** "12,663 .. 13,612 ms" for a figure with an interval, "" without. */
export function formatInterval(f: Figure): string {
  if (f.ciLow === undefined || f.ciHigh === undefined || f.value === null) return '';
  return `${formatValue(f.unit, f.ciLow)} .. ${formatValue(f.unit, f.ciHigh)}`;
}

export function figureOf(figures: readonly Figure[], metric: string): Figure | undefined {
  return figures.find((f) => f.metric === metric);
}
