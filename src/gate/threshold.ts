/**
 * k6-style thresholds: `--threshold 'error_rate<0.01' --threshold 'p95<15000'`.
 * A threshold is METRIC OPERATOR VALUE; metrics are the headline figures'
 * names (see src/report/figures.ts); `p(95)` is accepted for `p95` as k6
 * writes it. Values: rates as a fraction or a percentage (0.01, 1%),
 * latencies in ms or with a unit (15000, 15000ms, 15s), counts as numbers.
 * Anything else is one line naming the threshold, exit 2.
 */
import { UserError } from '../errors.js';

export const THRESHOLD_METRICS = ['error_rate', 'p50', 'p95', 'p99', 'p95_all', 'http_5xx', 'max_target_share'] as const;
export type ThresholdMetric = (typeof THRESHOLD_METRICS)[number];

export const THRESHOLD_OPERATORS = ['<=', '>=', '==', '!=', '<', '>'] as const;
export type ThresholdOperator = (typeof THRESHOLD_OPERATORS)[number];

const KIND: Record<ThresholdMetric, 'rate' | 'latency' | 'count'> = {
  error_rate: 'rate',
  p50: 'latency',
  p95: 'latency',
  p99: 'latency',
  p95_all: 'latency',
  http_5xx: 'count',
  max_target_share: 'rate',
};

/** The unit of a threshold metric's figure. */
export function thresholdUnit(metric: ThresholdMetric): 'fraction' | 'ms' | 'count' {
  return KIND[metric] === 'rate' ? 'fraction' : KIND[metric] === 'latency' ? 'ms' : 'count';
}

export interface Threshold {
  /** As the user wrote it (trimmed). */
  source: string;
  metric: ThresholdMetric;
  operator: ThresholdOperator;
  /** In the metric's unit: a fraction for rates, ms for latencies. */
  limit: number;
}

const SHAPE = /^\s*([a-z_0-9()]+)\s*(<=|>=|==|!=|<|>)\s*(.*?)\s*$/i;

function usage(raw: string, why: string): UserError {
  return new UserError(
    `--threshold "${raw}": ${why}; expected METRIC OPERATOR VALUE like 'p95<15000' or 'error_rate<1%' ` +
      `(metrics: ${THRESHOLD_METRICS.join(', ')}; operators: ${THRESHOLD_OPERATORS.join(' ')})`,
  );
}

function parseLimit(raw: string, metric: ThresholdMetric, text: string): number {
  const kind = KIND[metric];
  const unit = /^([-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?)\s*(%|ms|s)?$/i.exec(text);
  if (!unit) throw usage(raw, text === '' ? 'no value after the operator' : `"${text}" is not a number`);
  const value = Number(unit[1]);
  const suffix = unit[2]?.toLowerCase();
  if (suffix === '%') {
    if (kind !== 'rate') throw usage(raw, `${metric} is not a rate: give it without %`);
    return value / 100;
  }
  if (suffix === 'ms' || suffix === 's') {
    if (kind !== 'latency') throw usage(raw, `${metric} is not a latency: give it without ${suffix}`);
    return suffix === 's' ? value * 1000 : value;
  }
  if (kind === 'rate' && (value < 0 || value > 1)) throw usage(raw, `${metric} is a fraction from 0 to 1 (or a percentage like 1%), got ${value}`);
  return value;
}

export function parseThreshold(raw: string): Threshold {
  const match = SHAPE.exec(raw);
  if (!match) throw usage(raw, raw.trim() === '' ? 'empty' : 'no comparison operator');
  const name = match[1].toLowerCase().replace(/^p\((\d+)\)$/, 'p$1');
  if (!(THRESHOLD_METRICS as readonly string[]).includes(name)) throw usage(raw, `unknown metric "${match[1]}"`);
  const metric = name as ThresholdMetric;
  return { source: raw.trim(), metric, operator: match[2] as ThresholdOperator, limit: parseLimit(raw, metric, match[3]) };
}

/** Parses every `--threshold`; the first bad one is the error. */
export function parseThresholds(raws: readonly string[] | undefined): Threshold[] {
  return (raws ?? []).map(parseThreshold);
}

/** Whether `value OPERATOR limit` holds. */
export function holds(operator: ThresholdOperator, value: number, limit: number): boolean {
  switch (operator) {
    case '<':
      return value < limit;
    case '<=':
      return value <= limit;
    case '>':
      return value > limit;
    case '>=':
      return value >= limit;
    case '==':
      return value === limit;
    case '!=':
      return value !== limit;
  }
}
