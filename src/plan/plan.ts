import { UserError } from '../errors.js';
import { shippedCatalog } from '../model/catalog.js';
import type { ModelParameters } from '../model/parameters.js';
import { predictionOf, type Prediction } from '../prediction/predict.js';
import { aggregateReplications } from '../prediction/replications.js';
import type { ReplicationResult } from '../model/replication.js';
import { resolveSizing } from '../model/sizing.js';
import { autoscalingFor, stackConfig } from '../model/stack.js';
import type { AutoscalingPolicy, SettingsLayer } from '../model/autoscaling/policy.js';
import { describeScaling, scaleLoad } from '../scenario/scale.js';
import { repositoryBytes } from '../scenario/repository.js';
import type { Scenario } from '../scenario/types.js';
import { shippedCostTable } from '../cost/cost-table.js';
import { buildGrid, type Candidate, type GridRequest } from './grid.js';
import { toOutcome, type CandidateOutcome } from './outcome.js';
import { createRunner, threadsFor, type ReplicationRunner } from './pool.js';
import { DEFAULT_RACING, nextBatch, raceDecision, type RaceDrop, type RacingRule } from './racing.js';
import { analyzePlan, type PlanAnalysis } from './recommend.js';
import type { ReplicationTask } from './replication-task.js';
import { validateSlo, type Slo } from './slo.js';

/**
 * `capsim plan` as a library: build the grid, race every candidate under the
 * scenario with its load scaled by the headroom factor (common random
 * numbers: replication r of every candidate uses the same seeded streams,
 * the ones `capsim predict` uses), summarize, recommend, explain.
 */

export interface PlanInput {
  /** The scenario as the user gave it (overrides applied, headroom not). */
  scenario: Scenario;
  /** The SLO must hold with the load scaled by this (>= 1; 1 = no headroom). */
  headroom: number;
  slo: Slo;
  params: ModelParameters;
  /** Calibration name, recorded in the result. */
  calibration: string;
  grid: Omit<GridRequest, 'repositoryBytes'>;
  /** Replications a surviving candidate gets (replications 0..N-1). */
  replications: number;
  seed: number;
  threads: number;
  /** false: every candidate gets the full count (for comparisons). Default: DEFAULT_RACING. */
  racing?: RacingRule | false;
  onProgress?: (progress: PlanProgress) => void;
  /**
   * The deployed autoscaling's settings (calibration file, flags), resolved for
   * each candidate's sizing; task and instance bounds follow each candidate
   * (the module's defaults). Default: the module's policy.
   */
  autoscaling?: readonly SettingsLayer[];
}

export interface PlanProgress {
  candidates: number;
  candidatesDone: number;
  dropped: number;
  replicationsRun: number;
  elapsedMs: number;
  /** Estimated time left, ms (NaN before the first estimate). */
  etaMs: number;
}

export interface PlanResult {
  slo: Slo;
  headroom: number;
  scenario: { name: string; source: string | undefined; load: string };
  calibration: string;
  seed: number;
  replications: number;
  racing: RacingRule | null;
  grid: { rule: string; candidates: number; excluded: Array<{ instanceType: string; workers: number; containerMemoryMb: number; reason: string }> };
  prices: { region: string; currency: string; instancePriceDate: string; otherPriceDate: string; note: string };
  stats: { candidates: number; droppedEarly: number; replicationsRun: number; replicationsWithoutRacing: number };
  /** Every candidate, in grid order (by cost). */
  candidates: CandidateOutcome[];
  analysis: PlanAnalysis;
  /** The recommendation's full prediction at the planned load (headroom applied): what `capsim predict` prints. */
  recommended: Prediction | null;
  /** The recommendation at the scenario's own load (only when headroom > 1). */
  recommendedAtNominalLoad: Prediction | null;
}

/** Timing of a run: kept out of PlanResult so results compare equal across thread counts. */
export interface PlanTiming {
  wallMs: number;
  threads: number;
}

export function validatePlanNumbers(input: Pick<PlanInput, 'headroom' | 'replications' | 'threads' | 'seed'>): void {
  if (!(Number.isFinite(input.headroom) && input.headroom >= 1)) {
    throw new UserError(`--headroom must be a factor >= 1 (1.5 = the SLO must hold with a 50 % bigger burst), got ${input.headroom}`);
  }
  if (!(Number.isInteger(input.replications) && input.replications >= 1)) throw new UserError(`--replications must be a whole number >= 1, got ${input.replications}`);
  if (!(Number.isInteger(input.threads) && input.threads >= 1)) throw new UserError(`--threads must be a whole number >= 1, got ${input.threads}`);
  if (!Number.isSafeInteger(input.seed)) throw new UserError(`--seed must be a whole number, got ${input.seed}`);
}

interface Race {
  candidate: Candidate;
  runs: ReplicationResult[];
  drop: RaceDrop | null;
  finished: boolean;
}

/** Runs every candidate's batches on the runner; the outcome depends only on each candidate's own replications. */
async function race(
  races: Race[],
  runner: ReplicationRunner,
  base: TaskBase,
  full: number,
  slo: Slo,
  rule: RacingRule | false,
  onProgress: ((p: PlanProgress) => void) | undefined,
): Promise<number> {
  const started = performance.now();
  const batching: RacingRule = rule === false ? { minReplications: full, batch: full, confidence: DEFAULT_RACING.confidence } : rule;
  const queue: ReplicationTask[] = races.map((r) => taskFor(base, r.candidate, nextBatch(0, full, batching)));
  let inFlight = 0;
  let done = 0;
  let dropped = 0;
  let replicationsRun = 0;
  let finishedRuns = 0; // replications of finished candidates
  const report = () => {
    if (!onProgress) return;
    const elapsedMs = performance.now() - started;
    // Unfinished candidates are expected to need as many replications as finished ones did on average.
    const perCandidate = done > 0 ? finishedRuns / done : full;
    const remaining = Math.max(0, (races.length - done) * perCandidate - (replicationsRun - finishedRuns));
    const etaMs = replicationsRun > 0 ? (elapsedMs / replicationsRun) * remaining : NaN;
    onProgress({ candidates: races.length, candidatesDone: done, dropped, replicationsRun, elapsedMs, etaMs });
  };
  report();
  if (races.length === 0) return 0;
  return new Promise<number>((resolve, reject) => {
    let failed = false;
    const pump = () => {
      while (!failed && inFlight < runner.concurrency && queue.length > 0) {
        const task = queue.shift()!;
        inFlight++;
        runner.run(task).then(finish, (error: unknown) => {
          failed = true;
          reject(error);
        });
      }
    };
    const finish = (result: { candidate: number; indexes: number[]; runs: ReplicationResult[] }) => {
      inFlight--;
      if (failed) return;
      const r = races[result.candidate];
      result.indexes.forEach((index, i) => (r.runs[index] = result.runs[i]));
      replicationsRun += result.runs.length;
      const decision = rule === false || r.runs.length >= full ? null : raceDecision(r.runs, slo, rule);
      const next = decision ? [] : nextBatch(r.runs.length, full, batching);
      if (decision) {
        r.drop = decision;
        dropped++;
      }
      if (next.length === 0) {
        r.finished = true;
        done++;
        finishedRuns += r.runs.length;
      } else {
        // Follow-up batches go first: candidates finish sooner, the estimate settles sooner.
        queue.unshift(taskFor(base, r.candidate, next));
      }
      report();
      if (done === races.length) resolve(replicationsRun);
      else pump();
    };
    pump();
  });
}

/** What every task of a plan shares, and each candidate's autoscaling (by candidate index). */
interface TaskBase extends Omit<ReplicationTask, 'candidate' | 'request' | 'indexes' | 'autoscaling'> {
  policies: readonly AutoscalingPolicy[];
}

function taskFor(base: TaskBase, candidate: Candidate, indexes: number[]): ReplicationTask {
  const { policies, ...shared } = base;
  return { ...shared, candidate: candidate.index, request: candidate.request, autoscaling: policies[candidate.index], indexes };
}

/** Runs replications 0..n-1 of one sizing on the runner, split over its threads, in index order. */
async function fullRun(runner: ReplicationRunner, base: TaskBase, candidate: Candidate, n: number): Promise<ReplicationResult[]> {
  const chunk = Math.max(1, Math.ceil(n / runner.threads));
  const tasks: Promise<{ runs: ReplicationResult[] }>[] = [];
  for (let start = 0; start < n; start += chunk) {
    const indexes = Array.from({ length: Math.min(chunk, n - start) }, (_, i) => start + i);
    tasks.push(runner.run(taskFor(base, candidate, indexes)));
  }
  return (await Promise.all(tasks)).flatMap((t) => t.runs);
}

export async function runPlan(input: PlanInput): Promise<{ result: PlanResult; timing: PlanTiming }> {
  validatePlanNumbers(input);
  const slo = validateSlo(input.slo);
  const started = performance.now();
  const grid = buildGrid({ ...input.grid, repositoryBytes: repositoryBytes(input.scenario.repository) });
  if (grid.candidates.length === 0) {
    throw new UserError(`no candidate: no task fits on any instance type given (${grid.excluded.map((e) => e.reason).join('; ')})`);
  }
  const planned = scaleLoad(input.scenario, input.headroom);
  const rule = input.racing === undefined ? DEFAULT_RACING : input.racing;
  if (rule !== false && !(Number.isInteger(rule.minReplications) && rule.minReplications >= 2 && rule.batch >= 1 && rule.confidence > 0.5 && rule.confidence < 1)) {
    throw new RangeError('racing rule: minReplications >= 2, batch >= 1, 0.5 < confidence < 1');
  }
  const threads = threadsFor(input.threads);
  const runner = createRunner(threads);
  // Each candidate's autoscaling, resolved here (a bad setting is one line before any work).
  const policies = grid.candidates.map((c) => autoscalingFor(resolveSizing(c.request), input.autoscaling ?? []));
  const base: TaskBase = { scenario: planned, params: input.params, seed: input.seed, policies };
  const races: Race[] = grid.candidates.map((candidate) => ({ candidate, runs: [], drop: null, finished: false }));
  let recommendedAtNominalLoad: Prediction | null = null;
  let replicationsRun: number;
  let outcomes: CandidateOutcome[];
  let analysis: PlanAnalysis;
  let recommended: Prediction | null = null;
  try {
    replicationsRun = await race(races, runner, base, input.replications, slo, rule, input.onProgress);
    const aggregates = races.map((r) => aggregateReplications(r.runs));
    const predictions = races.map((r, i) =>
      predictionOf(
        { config: stackConfig(resolveSizing(r.candidate.request), planned, input.params, policies[i]), params: input.params, calibration: input.calibration, seed: input.seed },
        aggregates[i],
      ),
    );
    outcomes = races.map((r, i) => toOutcome(r.candidate, predictions[i], aggregates[i].busiest, slo, input.replications, r.drop));
    analysis = analyzePlan(outcomes, slo);
    if (analysis.recommendation) {
      const index = analysis.recommendation.index;
      recommended = predictions[index];
      if (input.headroom !== 1) {
        const candidate = grid.candidates[index];
        const runs = await fullRun(runner, { ...base, scenario: input.scenario }, candidate, input.replications);
        recommendedAtNominalLoad = predictionOf(
          { config: stackConfig(resolveSizing(candidate.request), input.scenario, input.params, policies[index]), params: input.params, calibration: input.calibration, seed: input.seed },
          aggregateReplications(runs),
        );
      }
    }
  } finally {
    await runner.close();
  }
  const catalog = shippedCatalog();
  const costs = shippedCostTable();
  const result: PlanResult = {
    slo,
    headroom: input.headroom,
    scenario: { name: input.scenario.name, source: input.scenario.source, load: describeScaling(input.scenario, planned, input.headroom) },
    calibration: input.calibration,
    seed: input.seed,
    replications: input.replications,
    racing: rule === false ? null : { ...rule },
    grid: { rule: grid.rule, candidates: grid.candidates.length, excluded: grid.excluded },
    prices: {
      region: costs.region,
      currency: costs.currency,
      instancePriceDate: catalog.priceDate,
      otherPriceDate: costs.priceDate,
      note: `EC2 on demand (${catalog.path.split(/[\\/]/).slice(-2).join('/')}) + root volumes, ALB base + ${costs.alb.assumedLcu} LCU, EFS storage (${costs.path.split(/[\\/]/).slice(-2).join('/')}), ${costs.hoursPerMonth} hours a month`,
    },
    stats: {
      candidates: grid.candidates.length,
      droppedEarly: outcomes.filter((o) => o.status === 'dropped').length,
      replicationsRun,
      replicationsWithoutRacing: grid.candidates.length * input.replications,
    },
    candidates: outcomes,
    analysis,
    recommended,
    recommendedAtNominalLoad,
  };
  return { result, timing: { wallMs: performance.now() - started, threads } };
}
