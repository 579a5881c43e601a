import { UserError } from '../errors.js';

/**
 * A service-level objective for a CI burst: the error rate (failed
 * operations / operations, as the seed's tool counts it) and the P95 of
 * successful operations that users can live with.
 *
 * A candidate meets the SLO when, over its replications, the MEAN error rate
 * is <= errorRate and the MEAN P95 is <= p95Ms (a P95 that could not be
 * measured, because no operation succeeded, misses). These are exactly the
 * "mean" figures `capsim predict` prints for the same sizing, seed and
 * replication count.
 */
export interface Slo {
  /** Fraction, 0..1 (0.001 = 0.1 %). */
  errorRate: number;
  /** Milliseconds, > 0. */
  p95Ms: number;
}

export type SloMetric = 'errorRate' | 'p95Ms';

/** How a figure compares with its objective. */
export interface SloCheck {
  metric: SloMetric;
  value: number;
  limit: number;
  /** value - limit (positive: misses by that much). NaN P95 gives Infinity. */
  excess: number;
  /** value / limit (Infinity when the limit is 0 and the value is not). */
  ratio: number;
  meets: boolean;
}

/** Validates an SLO; nonsense (negative, error rate over 1, not a number) is one clear line, exit 2. */
export function validateSlo(slo: Slo): Slo {
  if (!Number.isFinite(slo.errorRate) || slo.errorRate < 0 || slo.errorRate > 1) {
    throw new UserError(`--slo-error-rate must be a fraction from 0 to 1 (0.001 = 0.1 %), got ${slo.errorRate}`);
  }
  if (!Number.isFinite(slo.p95Ms) || slo.p95Ms <= 0) {
    throw new UserError(`--slo-p95-ms must be a number of milliseconds > 0, got ${slo.p95Ms}`);
  }
  return { errorRate: slo.errorRate, p95Ms: slo.p95Ms };
}

/** Parses an error-rate objective: a fraction ("0.001") or a percentage ("0.1%"). */
export function parseErrorRate(raw: string): number {
  const text = raw.trim();
  const percent = text.endsWith('%');
  const number = percent ? text.slice(0, -1).trim() : text;
  const value = Number(number);
  if (number === '' || !Number.isFinite(value)) throw new UserError(`--slo-error-rate must be a fraction like 0.001 or a percentage like 0.1%, got "${raw}"`);
  return percent ? value / 100 : value;
}

function check(metric: SloMetric, value: number, limit: number): SloCheck {
  if (!Number.isFinite(value)) return { metric, value, limit, excess: Infinity, ratio: Infinity, meets: false };
  const ratio = limit > 0 ? value / limit : value > 0 ? Infinity : 0;
  return { metric, value, limit, excess: value - limit, ratio, meets: value <= limit };
}

/** Both checks for mean error rate and mean P95. */
export function checkSlo(slo: Slo, errorRate: number, p95Ms: number): SloCheck[] {
  return [check('errorRate', errorRate, slo.errorRate), check('p95Ms', p95Ms, slo.p95Ms)];
}

/** The SLO as people read it: "error rate <= 0.1 %, P95 <= 15,000 ms". */
export function describeSlo(slo: Slo): string {
  return `error rate <= ${formatPercent(slo.errorRate)}, P95 <= ${formatMs(slo.p95Ms)}`;
}

export function formatPercent(fraction: number): string {
  if (!Number.isFinite(fraction)) return 'n/a';
  const pct = fraction * 100;
  const digits = pct !== 0 && Math.abs(pct) < 0.1 ? 3 : 2;
  return `${Number(pct.toFixed(digits))} %`;
}

export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return 'n/a';
  return `${Math.round(ms).toLocaleString('en-US')} ms`;
}
