import { describe, expect, it } from 'vitest';
import { describeBottlenecks, describeFailures, explainMiss } from '../../src/plan/explain.js';
import { outcomeFactory } from './outcomes.js';

const slo = { errorRate: 0.001, p95Ms: 15_000 };
const outcome = outcomeFactory(slo);

describe('why a candidate misses the SLO', () => {
  it('names the objectives missed and by how much', () => {
    const o = outcome('t3.small', 1, 3, 40, 0.0125, 19_000, false, { cpuPeak: 0.5 });
    expect(explainMiss(o, slo)).toBe('error rate 1.25 % > 0.1 % (over by 1.15 percentage points) and P95 19,000 ms > 15,000 ms (over by 4,000 ms, x 1.27)');
    expect(explainMiss(outcome('t3.small', 1, 3, 40, 0, 1000), slo)).toBe('');
  });

  it('says when racing stopped a candidate, and on what evidence', () => {
    const o = outcome('t3.small', 1, 1, 40, 0, 20_000, true, {
      cpuPeak: 0.5,
      drop: { metric: 'p95Ms', replications: 3, mean: 20_000, lowerBound: 18_500, limit: 15_000, confidence: 0.99 },
    });
    expect(explainMiss(o, slo)).toMatch(/; dropped after 3 replications: 99 % lower bound of P95 18,500 ms > 15,000 ms/);
  });

  it('breaks failures down by cause, largest first', () => {
    const o = outcome('t3.small', 1, 2, 40, 0.2, 25_000, false, { failures: { clientTimeout: 30, connectionError: 0, http502: 10, http503: 0, http504: 0, httpOther: 0 } });
    expect(describeFailures(o)).toBe('client timeouts 75 %, 502s 25 %');
    expect(explainMiss(o, slo)).toMatch(/failures: client timeouts 75 %, 502s 25 %/);
  });

  it('points at the bottleneck: saturated CPU, swap, iowait, uneven balancing, too few worker processes', () => {
    const busy = outcome('t3.small', 2, 4, 57, 0, 16_000, false, { cpuPeak: 1, swapUsedMaxMb: 300, iowaitPeak: 0.84, maxTargetShare: 0.5, workers: 1 });
    expect(describeBottlenecks(busy)).toEqual([
      'CPU saturated (peak 100 % of 2 vCPU)',
      'swapping (up to 300 MB)',
      'iowait peak 84 %',
      'uneven balancing (busiest target 50 % of burst requests, fair share 25 %)',
    ]);
    const idle = outcome('c6a.xlarge', 1, 1, 136, 0.5, 30_000, false, { vcpus: 4, workers: 1, cpuPeak: 0.25 });
    expect(describeBottlenecks(idle)).toEqual(['only 1 worker process for 4 vCPUs (a gunicorn worker runs on one core at a time)']);
  });
});
