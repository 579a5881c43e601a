import type { FailureCause } from '../model/exchange.js';
import type { Prediction } from '../prediction/predict.js';
import type { BusiestInstance } from '../prediction/replications.js';
import type { Interval } from '../sim/stats/interval.js';
import type { Candidate } from './grid.js';
import type { RaceDrop } from './racing.js';
import { explainMiss } from './explain.js';
import { checkSlo, type Slo, type SloCheck } from './slo.js';

/**
 * What the plan learned about one candidate: its figures over the
 * replications it ran (all of them, or the few before racing dropped it),
 * whether it meets the SLO, and the resource figures that say why not.
 */
export type CandidateStatus = 'meets' | 'misses' | 'dropped';

/** The sizing a candidate stands for, as a prediction's `config` describes it. */
type CandidateSizing = Pick<
  Prediction['config'],
  'instanceType' | 'vcpus' | 'memoryMiB' | 'instances' | 'tasks' | 'tasksPerInstance' | 'workers' | 'workerClass' | 'algorithm' | 'stickiness' | 'containerMemoryMb' | 'containerCpu'
>;

export interface CandidateOutcome extends CandidateSizing {
  index: number;
  id: string;
  reservationMb: number;
  costPerMonthUsd: number;
  /** Replications run (the full count, or fewer when dropped). */
  replications: number;
  /** meets / misses after the full count, or dropped early by racing (which is a miss). */
  status: CandidateStatus;
  drop: RaceDrop | null;
  errorRate: Interval;
  p95Ms: Interval;
  p50Ms: Interval;
  /** Mean failed operations per replication, by cause. */
  failures: Record<FailureCause, number>;
  http5xx: number;
  /** The busiest instance's CPU peak, fraction of its vCPUs (src/prediction/replications.ts: in each replication, then the mean). */
  cpuPeak: number;
  iowaitPeak: number;
  swapUsedMaxMb: number;
  memAvailableMinMb: number;
  /** The busiest target's / instance's share of a burst (burst by burst, averaged). */
  maxTargetShare: number;
  maxInstanceShare: number;
  checks: SloCheck[];
  /** Why it misses the SLO, in words (empty when it meets it). */
  why: string;
  /**
   * With autoscaling (absent when it is off): what it did under the planned
   * load. `costPerMonthUsd` above is then the stack at the mean instance count
   * the scenario needed (as if that held all month); `baseCostPerMonthUsd` is
   * the sizing's own instances all month.
   */
  autoscaling?: CandidateScaling;
}

export interface CandidateScaling {
  baseCostPerMonthUsd: number;
  maxTasks: number;
  maxInstances: number;
  /** Replications that scaled out, and the mean time of the first scale-out among them, s (null: none did). */
  scaledOutReplications: number;
  firstScaleOutS: number | null;
  peakRunningTasks: number;
  peakInstances: number;
  meanInstances: number;
  taskHours: number;
  instanceHours: number;
}

/** Reduces a candidate's prediction (over the replications it ran) to an outcome. */
export function toOutcome(candidate: Candidate, prediction: Prediction, busiest: BusiestInstance, slo: Slo, fullReplications: number, drop: RaceDrop | null): CandidateOutcome {
  const checks = checkSlo(slo, prediction.errorRate.mean, prediction.latencyMs.p95.mean);
  const meets = checks.every((c) => c.meets);
  const status: CandidateStatus = drop !== null && prediction.replications < fullReplications ? 'dropped' : meets ? 'meets' : 'misses';
  const failures = {} as Record<FailureCause, number>;
  for (const [cause, interval] of Object.entries(prediction.failures) as Array<[FailureCause, Interval]>) failures[cause] = interval.mean;
  const outcome: CandidateOutcome = {
    index: candidate.index,
    id: candidate.id,
    instanceType: candidate.instanceType,
    vcpus: candidate.vcpus,
    memoryMiB: candidate.memoryMiB,
    instances: candidate.instances,
    tasks: candidate.tasks,
    tasksPerInstance: candidate.tasksPerInstance,
    workers: candidate.workers,
    workerClass: candidate.workerClass,
    algorithm: candidate.algorithm,
    // What the candidate ran with: its own statement, or the stack as deployed.
    stickiness: prediction.config.stickiness,
    containerMemoryMb: candidate.containerMemoryMb,
    containerCpu: candidate.containerCpu,
    reservationMb: candidate.reservationMb,
    costPerMonthUsd: prediction.autoscaling ? prediction.autoscaling.summary.costPerMonthUsd : candidate.costPerMonthUsd,
    replications: prediction.replications,
    status,
    drop: status === 'dropped' ? drop : null,
    errorRate: prediction.errorRate,
    p95Ms: prediction.latencyMs.p95,
    p50Ms: prediction.latencyMs.p50,
    failures,
    http5xx: prediction.http5xx.mean,
    cpuPeak: busiest.cpuUtilPeak,
    iowaitPeak: busiest.iowaitPeak,
    swapUsedMaxMb: busiest.swapUsedMaxMb,
    memAvailableMinMb: busiest.memAvailableMinMb,
    maxTargetShare: prediction.maxTargetShare.mean,
    maxInstanceShare: prediction.maxInstanceShare.mean,
    checks,
    why: '',
  };
  const a = prediction.autoscaling;
  if (a) {
    const s = a.summary;
    outcome.autoscaling = {
      baseCostPerMonthUsd: candidate.costPerMonthUsd,
      maxTasks: a.policy.maxTasks,
      maxInstances: a.policy.maxInstances,
      scaledOutReplications: s.firstScaleOutS.n,
      firstScaleOutS: s.firstScaleOutS.n > 0 ? s.firstScaleOutS.mean : null,
      peakRunningTasks: s.peakRunningTasks.mean,
      peakInstances: s.peakInstances.mean,
      meanInstances: s.meanInstances.mean,
      taskHours: s.taskHours.mean,
      instanceHours: s.instanceHours.mean,
    };
  }
  outcome.why = explainMiss(outcome, slo);
  return outcome;
}
