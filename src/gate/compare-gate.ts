/**
 * compare as a CI gate: `--max-relative-error 25%` bounds |predicted -
 * measured| / measured of every compared metric but the error rate, whose
 * difference `--max-error-points 2` bounds in percentage points (a relative
 * error of a rate near zero says little). A metric that one side has and
 * the other lacks (a P95 without any successful operation) fails; one that
 * neither side has is not checked.
 */
import { UserError } from '../errors.js';
import type { ComparedMetric } from '../report/compare.js';

export interface CompareTolerances {
  /** Fraction (0.25 = 25 %). */
  maxRelativeError?: number;
  /** Percentage points. */
  maxErrorPoints?: number;
}

export interface GateResult {
  metric: string;
  rule: string;
  ok: boolean;
  detail: string;
}

/** "25%" or "0.25" -> 0.25. */
export function parseRelativeTolerance(raw: string): number {
  const text = raw.trim();
  const percent = text.endsWith('%');
  const number = Number(percent ? text.slice(0, -1).trim() : text);
  if ((percent ? text.length === 1 : text === '') || !Number.isFinite(number) || number < 0) {
    throw new UserError(`--max-relative-error must be a fraction like 0.25 or a percentage like 25%, got "${raw}"`);
  }
  return percent ? number / 100 : number;
}

export function parsePointsTolerance(raw: string): number {
  const text = raw.trim().replace(/\s*points?$/, '');
  const number = Number(text);
  if (text === '' || !Number.isFinite(number) || number < 0) throw new UserError(`--max-error-points must be a number of percentage points >= 0 like 2, got "${raw}"`);
  return number;
}

const signedPercent = (x: number) => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)} %`;

export function evaluateCompareGate(metrics: readonly ComparedMetric[], tolerances: CompareTolerances): GateResult[] {
  const results: GateResult[] = [];
  for (const m of metrics) {
    const isRate = m.metric === 'error rate';
    const limit = isRate ? tolerances.maxErrorPoints : tolerances.maxRelativeError;
    if (limit === undefined) continue;
    const rule = isRate ? `|difference| <= ${limit} points` : `|relative error| <= ${+(100 * limit).toFixed(4)} %`;
    if (m.predicted === null && m.measured === null) continue;
    if (m.predicted === null || m.measured === null) {
      results.push({ metric: m.metric, rule, ok: false, detail: `${m.predicted === null ? 'predicted' : 'measured'} value missing` });
    } else if (isRate) {
      const points = m.difference ?? 0;
      results.push({ metric: m.metric, rule, ok: Math.abs(points) <= limit, detail: `${points >= 0 ? '+' : ''}${points.toFixed(2)} points` });
    } else if (m.relativeError === null) {
      // measured 0: only an exact prediction of 0 agrees
      results.push({ metric: m.metric, rule, ok: m.predicted === 0, detail: m.predicted === 0 ? 'both 0' : `measured 0, predicted ${m.predicted}` });
    } else {
      results.push({ metric: m.metric, rule, ok: Math.abs(m.relativeError) <= limit, detail: signedPercent(m.relativeError) });
    }
  }
  return results;
}

export function renderCompareGate(results: readonly GateResult[]): string {
  if (results.length === 0) return '';
  const failed = results.filter((r) => !r.ok).length;
  const width = Math.max(...results.map((r) => `${r.metric} ${r.rule}`.length));
  return [
    `tolerances: ${failed === 0 ? 'all within' : `${failed} of ${results.length} EXCEEDED`}`,
    ...results.map((r) => `  ${r.ok ? '✓ pass' : '✗ FAIL'}  ${`${r.metric} ${r.rule}`.padEnd(width)}  ${r.detail}`),
  ].join('\n');
}
