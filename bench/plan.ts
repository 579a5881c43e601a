/**
 * `plan` speed: a grid of 231 candidates (t3.small, t3.medium, c6a.large,
 * c6a.xlarge x 1/2/4 workers x up to 3 instances, every task count on the
 * fewest instances) under production-incident shortened to two bursts
 * (130 s), SLO 0.1 % / 15 s, 5 replications, racing on. Runs it on 1 and on
 * 2 threads: wall time of each, the speedup, candidates per second, how many
 * candidates racing dropped early and how many replications that saved, and
 * whether both runs gave identical results (they must).
 */
import { loadavg } from 'node:os';
import { loadCalibration } from '../src/calibrate/calibration-file.js';
import { runPlan, type PlanInput } from '../src/plan/plan.js';
import { applyOverrides, loadScenario } from '../src/scenario/load.js';

export interface PlanBench {
  candidates: number;
  replicationsPerSurvivor: number;
  scenarioSeconds: number;
  wallMs1Thread: number;
  wallMs2Threads: number;
  /** CPU time (user + system) of the whole process, worker threads included: on a quiet 2-core machine the 2-thread run uses ~2 CPU-ms per wall-ms. */
  cpuMs1Thread: number;
  cpuMs2Threads: number;
  /** Load average when the bench started: other processes on the machine shrink the speedup. */
  loadAverage1m: number;
  /** wall time on 1 thread / wall time on 2 threads. */
  speedup: number;
  candidatesPerSecond1Thread: number;
  candidatesPerSecond2Threads: number;
  droppedEarly: number;
  replicationsRun: number;
  replicationsWithoutRacing: number;
  /** replications run / replications without racing. */
  racingWorkRatio: number;
  identicalResults: boolean;
  recommendation: string | null;
}

export async function benchPlan(options: { replications?: number; durationSeconds?: number } = {}): Promise<PlanBench> {
  const replications = options.replications ?? 5;
  const durationSeconds = options.durationSeconds ?? 130;
  const calibration = loadCalibration();
  const input = (threads: number): PlanInput => ({
    scenario: applyOverrides(loadScenario('production-incident'), { durationSeconds }),
    headroom: 1,
    slo: { errorRate: 0.001, p95Ms: 15_000 },
    params: calibration.params,
    calibration: calibration.file.name,
    grid: {
      instanceTypes: ['t3.small', 't3.medium', 'c6a.large', 'c6a.xlarge'],
      maxInstances: 3,
      workers: [1, 2, 4],
      workerClasses: ['gevent'],
      algorithms: ['round_robin'],
      containerMemoryMb: [512],
      placements: 'fewest',
    },
    replications,
    seed: 1,
    threads,
  });
  const loadAverage1m = Number(loadavg()[0].toFixed(2));
  const cpuMs = (u: NodeJS.CpuUsage) => Math.round((u.user + u.system) / 1000);
  let cpu = process.cpuUsage();
  const one = await runPlan(input(1));
  const cpuMs1Thread = cpuMs(process.cpuUsage(cpu));
  cpu = process.cpuUsage();
  const two = await runPlan(input(2));
  const cpuMs2Threads = cpuMs(process.cpuUsage(cpu));
  const r = one.result;
  const perSecond = (ms: number) => Number((r.stats.candidates / (ms / 1000)).toFixed(2));
  return {
    candidates: r.stats.candidates,
    replicationsPerSurvivor: replications,
    scenarioSeconds: durationSeconds,
    wallMs1Thread: Math.round(one.timing.wallMs),
    wallMs2Threads: Math.round(two.timing.wallMs),
    cpuMs1Thread,
    cpuMs2Threads,
    loadAverage1m,
    speedup: Number((one.timing.wallMs / two.timing.wallMs).toFixed(2)),
    candidatesPerSecond1Thread: perSecond(one.timing.wallMs),
    candidatesPerSecond2Threads: perSecond(two.timing.wallMs),
    droppedEarly: r.stats.droppedEarly,
    replicationsRun: r.stats.replicationsRun,
    replicationsWithoutRacing: r.stats.replicationsWithoutRacing,
    racingWorkRatio: Number((r.stats.replicationsRun / r.stats.replicationsWithoutRacing).toFixed(3)),
    identicalResults: JSON.stringify(one.result) === JSON.stringify(two.result),
    recommendation: r.analysis.recommendation?.id ?? null,
  };
}
