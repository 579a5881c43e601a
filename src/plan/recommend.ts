import type { CandidateOutcome } from './outcome.js';
import type { Slo } from './slo.js';

/**
 * From candidate outcomes to answers:
 * - recommendation: the cheapest candidate that meets the SLO (after its
 *   full replication count); equal cost goes to the lower P95, then the
 *   lower error rate, fewer tasks, fewer workers, grid order;
 * - Pareto frontier of cost vs mean P95 over every candidate whose mean
 *   error rate meets the SLO (racing-dropped ones included with the
 *   replications they ran): a point is on it when no candidate costs the
 *   same or less with a lower P95;
 * - the nearest cheaper cost levels (instance type x instance count) below
 *   the recommendation, each with its closest candidate and why it fails;
 * - per instance type: its cheapest sizing that meets the SLO, and why its
 *   sizings that cost no more than that (all of them when none meets) fail;
 * - when nothing meets the SLO: the closest candidates and what they miss by
 *   (closest = smallest worst ratio value / objective).
 */

/** Candidates with the same monthly cost: one instance type at one instance count. */
export interface CostLevel {
  instanceType: string;
  instances: number;
  costPerMonthUsd: number;
  candidates: number;
  meeting: number;
  /** The candidate of this level that comes closest to the SLO. */
  closest: CandidateOutcome;
}

export interface TypeSummary {
  instanceType: string;
  candidates: number;
  meeting: number;
  cheapestMeeting: CandidateOutcome | null;
  /** Sizings of this type that miss the SLO. */
  missing: number;
  /**
   * Why this type's sizings fail: the misses closest to the SLO among those
   * that cost no more than its cheapest sizing that meets it (the closest
   * one), or among all its sizings when none meets (the closest three).
   */
  closestMisses: CandidateOutcome[];
}

export interface PlanAnalysis {
  recommendation: CandidateOutcome | null;
  pareto: CandidateOutcome[];
  /** Candidates cheaper than the recommendation (all of them miss the SLO). */
  cheaperCandidates: number;
  /** The nearest cheaper cost levels, most expensive (nearest) first. */
  cheaper: CostLevel[];
  byInstanceType: TypeSummary[];
  /** When no candidate meets the SLO: the closest ones, closest first. */
  closest: CandidateOutcome[];
}

/** The worst value / objective ratio over the objectives a candidate misses (0 when it meets both). */
export function missRatio(o: CandidateOutcome): number {
  return Math.max(0, ...o.checks.filter((c) => !c.meets).map((c) => c.ratio));
}

function finiteOr(value: number, fallback: number): number {
  return Number.isFinite(value) ? value : fallback;
}

/** Orders candidates from closest to meeting the SLO to farthest (infinite ratios compare equal, then by figures). */
export function compareCloseness(a: CandidateOutcome, b: CandidateOutcome): number {
  const ra = missRatio(a);
  const rb = missRatio(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  return (
    finiteOr(a.errorRate.mean, 1) - finiteOr(b.errorRate.mean, 1) ||
    finiteOr(a.p95Ms.mean, Number.MAX_VALUE) - finiteOr(b.p95Ms.mean, Number.MAX_VALUE) ||
    a.costPerMonthUsd - b.costPerMonthUsd ||
    a.index - b.index
  );
}

function safeDiff(a: number, b: number): number {
  const d = a - b;
  return Number.isNaN(d) ? 0 : d;
}

function compareForRecommendation(a: CandidateOutcome, b: CandidateOutcome): number {
  return (
    a.costPerMonthUsd - b.costPerMonthUsd ||
    safeDiff(a.p95Ms.mean, b.p95Ms.mean) ||
    safeDiff(a.errorRate.mean, b.errorRate.mean) ||
    a.tasks - b.tasks ||
    a.workers - b.workers ||
    a.index - b.index
  );
}

function byCloseness(list: CandidateOutcome[]): CandidateOutcome[] {
  return [...list].sort(compareCloseness);
}

/** The Pareto frontier of cost vs mean P95 among candidates whose mean error rate meets the SLO. */
export function paretoFrontier(outcomes: readonly CandidateOutcome[], slo: Slo): CandidateOutcome[] {
  const pool = outcomes
    .filter((o) => o.errorRate.mean <= slo.errorRate && Number.isFinite(o.p95Ms.mean))
    .sort((a, b) => a.costPerMonthUsd - b.costPerMonthUsd || a.p95Ms.mean - b.p95Ms.mean || a.index - b.index);
  const frontier: CandidateOutcome[] = [];
  let best = Infinity;
  for (const o of pool) {
    if (o.p95Ms.mean < best) {
      frontier.push(o);
      best = o.p95Ms.mean;
    }
  }
  return frontier;
}

export function analyzePlan(outcomes: readonly CandidateOutcome[], slo: Slo, options: { cheaperLevels?: number; closest?: number; typeMisses?: number } = {}): PlanAnalysis {
  const meeting = outcomes.filter((o) => o.status === 'meets').sort(compareForRecommendation);
  const recommendation = meeting[0] ?? null;

  const cheaperList = recommendation ? outcomes.filter((o) => o.costPerMonthUsd < recommendation.costPerMonthUsd) : [];
  const levels = new Map<string, CandidateOutcome[]>();
  for (const o of cheaperList) {
    const key = `${o.instanceType}\u0000${o.instances}`;
    const list = levels.get(key);
    if (list) list.push(o);
    else levels.set(key, [o]);
  }
  const cheaper: CostLevel[] = [...levels.values()]
    .map((list) => {
      const first = list[0];
      return {
        instanceType: first.instanceType,
        instances: first.instances,
        costPerMonthUsd: first.costPerMonthUsd,
        candidates: list.length,
        meeting: list.filter((o) => o.status === 'meets').length,
        closest: byCloseness(list)[0],
      };
    })
    .sort((a, b) => b.costPerMonthUsd - a.costPerMonthUsd || a.closest.index - b.closest.index)
    .slice(0, options.cheaperLevels ?? 5);

  const typeNames = [...new Set(outcomes.map((o) => o.instanceType))];
  const byInstanceType: TypeSummary[] = typeNames.map((instanceType) => {
    const list = outcomes.filter((o) => o.instanceType === instanceType);
    const good = list.filter((o) => o.status === 'meets').sort(compareForRecommendation);
    const misses = list.filter((o) => o.status !== 'meets');
    const ceiling = good.length > 0 ? good[0].costPerMonthUsd : Infinity;
    return {
      instanceType,
      candidates: list.length,
      meeting: good.length,
      cheapestMeeting: good[0] ?? null,
      missing: misses.length,
      closestMisses: byCloseness(misses.filter((o) => o.costPerMonthUsd <= ceiling)).slice(0, good.length === 0 ? (options.typeMisses ?? 3) : 1),
    };
  });

  const closest = recommendation ? [] : byCloseness([...outcomes]).slice(0, options.closest ?? 5);
  return { recommendation, pareto: paretoFrontier(outcomes, slo), cheaperCandidates: cheaperList.length, cheaper, byInstanceType, closest };
}
