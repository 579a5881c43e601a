import type { ReplicationResult } from '../model/replication.js';
import { studentTQuantile } from '../sim/stats/student-t.js';
import type { Slo, SloMetric } from './slo.js';

/**
 * Racing: candidates that clearly miss the SLO stop early, survivors get the
 * full replication count.
 *
 * Replications run in batches (replication indexes 0, 1, 2, ... in order,
 * the same ones `capsim predict` runs). After each batch, once at least
 * `minReplications` have run, a candidate is dropped when the one-sided
 * lower confidence bound (default 99 %) of the mean of either metric is
 * above its objective:
 *     mean - t(confidence, n - 1) x sd / sqrt(n)  >  limit
 * for the error rate and for the P95 of successful operations (a replication
 * in which nothing succeeded has no P95 and is left out of the P95 bound;
 * when no replication has one the P95 misses outright). The decision uses
 * only the candidate's own replications, never the others' or the order in
 * which batches finish, so the outcome is the same on any number of threads.
 * With looks after 3, 6 and 9 replications the chance of dropping a
 * candidate whose true mean sits exactly at the limit stays under 3 %.
 */
export interface RacingRule {
  /** Replications before the first look (and the first batch size). */
  minReplications: number;
  /** Replications per later batch. */
  batch: number;
  /** One-sided confidence of the lower bound, e.g. 0.99. */
  confidence: number;
}

export const DEFAULT_RACING: Readonly<RacingRule> = Object.freeze({ minReplications: 3, batch: 3, confidence: 0.99 });

/** Why a candidate was dropped early. */
export interface RaceDrop {
  metric: SloMetric;
  /** Replications it had run. */
  replications: number;
  mean: number;
  /** The one-sided lower bound that cleared the limit. */
  lowerBound: number;
  limit: number;
  confidence: number;
}

/** One-sided lower confidence bound of the mean of finite values (NaN without any). */
export function lowerConfidenceBound(values: readonly number[], confidence: number): { mean: number; lower: number; n: number } {
  const finite = values.filter((v) => Number.isFinite(v));
  const n = finite.length;
  if (n === 0) return { mean: NaN, lower: NaN, n };
  const mean = finite.reduce((a, b) => a + b, 0) / n;
  if (n === 1) return { mean, lower: -Infinity, n };
  const variance = finite.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1);
  const lower = mean - studentTQuantile(confidence, n - 1) * Math.sqrt(variance / n);
  return { mean, lower, n };
}

/** The racing decision after `runs` (replications 0..runs.length-1): a drop, or null to go on. */
export function raceDecision(runs: readonly ReplicationResult[], slo: Slo, rule: RacingRule = DEFAULT_RACING): RaceDrop | null {
  if (runs.length < rule.minReplications || runs.length < 2) return null;
  const error = lowerConfidenceBound(
    runs.map((r) => r.errorRate),
    rule.confidence,
  );
  if (error.lower > slo.errorRate) {
    return { metric: 'errorRate', replications: runs.length, mean: error.mean, lowerBound: error.lower, limit: slo.errorRate, confidence: rule.confidence };
  }
  const p95 = lowerConfidenceBound(
    runs.map((r) => r.latencyMs.p95),
    rule.confidence,
  );
  if (p95.n === 0) {
    return { metric: 'p95Ms', replications: runs.length, mean: NaN, lowerBound: Infinity, limit: slo.p95Ms, confidence: rule.confidence };
  }
  if (p95.lower > slo.p95Ms) {
    return { metric: 'p95Ms', replications: runs.length, mean: p95.mean, lowerBound: p95.lower, limit: slo.p95Ms, confidence: rule.confidence };
  }
  return null;
}

/** The replication indexes of the next batch, or [] when the candidate has its full count. */
export function nextBatch(done: number, full: number, rule: RacingRule = DEFAULT_RACING): number[] {
  if (done >= full) return [];
  const size = done === 0 ? rule.minReplications : rule.batch;
  const end = Math.min(full, done + Math.max(1, size));
  return Array.from({ length: end - done }, (_, i) => done + i);
}
