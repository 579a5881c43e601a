import type { FailureCause } from '../model/exchange.js';
import type { CandidateOutcome } from './outcome.js';
import { formatMs, formatPercent, type Slo, type SloCheck } from './slo.js';

/**
 * Why a candidate misses the SLO, in words: which objective it misses and by
 * how much, whether racing stopped it early, what its failures were, and the
 * resource figures that point at the bottleneck (CPU saturated, swapping,
 * waiting on storage, uneven balancing across targets).
 */

const CAUSE_NAMES: Record<FailureCause, string> = {
  clientTimeout: 'client timeouts',
  connectionError: 'connection errors',
  http502: '502s',
  http503: '503s',
  http504: '504s',
  httpOther: 'other HTTP errors',
};

/** Thresholds above which a resource figure is worth naming as a cause. */
export const BOTTLENECK_HINTS = {
  cpuPeak: 0.95,
  iowaitPeak: 0.3,
  swapMb: 1,
  /** Busiest target's share of burst requests vs its fair share 1 / tasks. */
  imbalance: 1.5,
} as const;

function describeCheck(check: SloCheck): string {
  if (check.metric === 'errorRate') {
    const by = Number.isFinite(check.excess) ? ` (over by ${formatPercent(check.excess).replace(' %', ' percentage points')})` : '';
    return `error rate ${formatPercent(check.value)} > ${formatPercent(check.limit)}${by}`;
  }
  if (!Number.isFinite(check.value)) return `P95 not measurable (no operation succeeded) vs ${formatMs(check.limit)}`;
  return `P95 ${formatMs(check.value)} > ${formatMs(check.limit)} (over by ${formatMs(check.excess)}, x ${check.ratio.toFixed(2)})`;
}

/** The objectives missed, with the margin: "P95 19,852 ms > 15,000 ms (over by 4,852 ms, x 1.32)". */
export function describeMisses(outcome: CandidateOutcome): string[] {
  return outcome.checks.filter((c) => !c.meets).map(describeCheck);
}

/** Failures by cause, largest first: "client timeouts 80 %, 502s 20 %". */
export function describeFailures(outcome: CandidateOutcome): string | null {
  const entries = (Object.entries(outcome.failures) as Array<[FailureCause, number]>).filter(([, n]) => n > 0);
  const total = entries.reduce((sum, [, n]) => sum + n, 0);
  if (total <= 0) return null;
  entries.sort((a, b) => b[1] - a[1]);
  return entries.map(([cause, n]) => `${CAUSE_NAMES[cause]} ${n / total < 0.005 ? '<1' : Math.round((n / total) * 100)} %`).join(', ');
}

/** Resource figures that point at the bottleneck. */
export function describeBottlenecks(outcome: CandidateOutcome): string[] {
  const hints: string[] = [];
  const processes = outcome.tasks * outcome.workers;
  const vcpus = outcome.instances * outcome.vcpus;
  if (processes < vcpus) {
    hints.push(`only ${processes} worker process${processes === 1 ? '' : 'es'} for ${vcpus} vCPUs (a gunicorn worker runs on one core at a time)`);
  }
  if (outcome.cpuPeak >= BOTTLENECK_HINTS.cpuPeak) hints.push(`CPU saturated (peak ${Math.round(outcome.cpuPeak * 100)} % of ${outcome.vcpus} vCPU)`);
  if (outcome.swapUsedMaxMb >= BOTTLENECK_HINTS.swapMb) hints.push(`swapping (up to ${Math.round(outcome.swapUsedMaxMb)} MB)`);
  if (outcome.iowaitPeak >= BOTTLENECK_HINTS.iowaitPeak) hints.push(`iowait peak ${Math.round(outcome.iowaitPeak * 100)} %`);
  const fair = 1 / outcome.tasks;
  if (outcome.tasks > 1 && outcome.maxTargetShare > BOTTLENECK_HINTS.imbalance * fair) {
    hints.push(`uneven balancing (busiest target ${formatPercent(outcome.maxTargetShare)} of burst requests, fair share ${formatPercent(fair)})`);
  }
  return hints;
}

/** One sentence on why a candidate misses the SLO (empty for one that meets it). */
export function explainMiss(outcome: CandidateOutcome, slo: Slo): string {
  if (outcome.status === 'meets') return '';
  const parts: string[] = [];
  const misses = describeMisses(outcome);
  parts.push(misses.length > 0 ? misses.join(' and ') : 'misses the SLO');
  if (outcome.drop) {
    const d = outcome.drop;
    const bound = d.metric === 'errorRate' ? formatPercent(d.lowerBound) : formatMs(d.lowerBound);
    const limit = d.metric === 'errorRate' ? formatPercent(slo.errorRate) : formatMs(slo.p95Ms);
    const what = d.metric === 'errorRate' ? 'error rate' : 'P95';
    parts.push(
      Number.isFinite(d.lowerBound)
        ? `dropped after ${d.replications} replications: ${Math.round(d.confidence * 100)} % lower bound of ${what} ${bound} > ${limit}`
        : `dropped after ${d.replications} replications: no operation succeeded`,
    );
  }
  const failures = describeFailures(outcome);
  if (failures && !outcome.checks.find((c) => c.metric === 'errorRate')?.meets) parts.push(`failures: ${failures}`);
  const hints = describeBottlenecks(outcome);
  if (hints.length > 0) parts.push(hints.join(', '));
  return parts.join('; ');
}
