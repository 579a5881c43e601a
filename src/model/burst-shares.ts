/** What the share figures are computed from: each target's requests (per burst, and in all) and its instance. */
export interface TargetCounts {
  /** Requests routed to it while a burst ran, per burst of the run. */
  burstRequests: readonly number[];
  /** Requests routed to it in all. */
  requests: number;
  /** Index of the instance its task ran on. */
  instance: number;
}

/** Where the bursts went in one run. */
export interface BurstShareFigures {
  /** Each target's share of all burst requests of the run (of all requests when no burst ran). */
  targetShares: number[];
  /** Each instance's share of the same. */
  instanceShares: number[];
  /**
   * The busiest target's share of a burst's requests, averaged over the run's
   * bursts (each burst weighs the same): what the diagnostics of one burst show.
   */
  maxTargetShare: number;
  /** The same for the tasks of one instance. */
  maxInstanceShare: number;
}

function shares(values: readonly number[]): number[] {
  const total = values.reduce((a, b) => a + b, 0);
  return values.map((v) => (total > 0 ? v / total : 0));
}

function max(values: readonly number[]): number {
  return values.length > 0 ? Math.max(...values) : 0;
}

/**
 * Burst shares per target and per instance. The busiest-target and
 * busiest-instance figures are taken burst by burst, then averaged: with
 * stickiness each burst may land on a different task, and a share over the
 * whole run would average those tasks away. Without bursts (open-loop
 * profiles) every request counts as one burst.
 */
export function burstShares(targets: readonly TargetCounts[], instances: number): BurstShareFigures {
  const bursts = Math.max(0, ...targets.map((t) => t.burstRequests.length));
  const perBurst = (b: number) => targets.map((t) => t.burstRequests[b] ?? 0);
  const byInstance = (counts: readonly number[]) => {
    const out = new Array<number>(instances).fill(0);
    targets.forEach((t, k) => (out[t.instance] += counts[k]));
    return out;
  };
  const burstTotals = targets.map((t) => t.burstRequests.reduce((a, b) => a + b, 0));
  const counted = burstTotals.some((n) => n > 0) ? burstTotals : targets.map((t) => t.requests);
  const episodes: number[][] = [];
  for (let b = 0; b < bursts; b++) if (perBurst(b).some((n) => n > 0)) episodes.push(perBurst(b));
  if (episodes.length === 0) episodes.push(counted);
  const mean = (f: (counts: number[]) => number) => episodes.reduce((sum, counts) => sum + f(counts), 0) / episodes.length;
  return {
    targetShares: shares(counted),
    instanceShares: shares(byInstance(counted)),
    maxTargetShare: mean((counts) => max(shares(counts))),
    maxInstanceShare: mean((counts) => max(shares(byInstance(counts)))),
  };
}
