import type { CandidateOutcome } from '../../src/plan/outcome.js';
import { checkSlo, type Slo } from '../../src/plan/slo.js';

const interval = (mean: number) => ({ mean, ciLow: mean, ciHigh: mean, n: 5 });

/**
 * Candidate outcomes with given figures, for testing the analysis and the
 * explanations without simulating: status follows from the figures the way
 * toOutcome decides it; `extra` sets resource figures.
 */
export function outcomeFactory(slo: Slo) {
  let next = 0;
  const make = (
    instanceType: string,
    instances: number,
    tasks: number,
    cost: number,
    errorRate: number,
    p95: number,
    dropped = false,
    extra: Partial<CandidateOutcome> = {},
  ): CandidateOutcome => {
    const checks = checkSlo(slo, errorRate, p95);
    const meets = checks.every((c) => c.meets);
    return {
      index: next++,
      id: `${instances} x ${instanceType}, ${tasks} tasks`,
      instanceType,
      vcpus: 2,
      memoryMiB: 2048,
      instances,
      tasks,
      tasksPerInstance: [],
      workers: 4,
      workerClass: 'gevent',
      algorithm: 'round_robin',
      stickiness: true,
      containerMemoryMb: 512,
      containerCpu: 640,
      reservationMb: 384,
      costPerMonthUsd: cost,
      replications: dropped ? 3 : 5,
      status: dropped ? 'dropped' : meets ? 'meets' : 'misses',
      drop: null,
      errorRate: interval(errorRate),
      p95Ms: interval(p95),
      p50Ms: interval(p95 / 2),
      failures: { clientTimeout: 0, connectionError: 0, http502: 0, http503: 0, http504: 0, httpOther: 0 },
      http5xx: 0,
      cpuPeak: 1,
      iowaitPeak: 0,
      swapUsedMaxMb: 0,
      memAvailableMinMb: 1000,
      maxTargetShare: 1 / tasks,
      maxInstanceShare: 1 / instances,
      checks,
      why: meets ? '' : 'misses',
      ...extra,
    };
  };
  return Object.assign(make, { reset: () => (next = 0) });
}
