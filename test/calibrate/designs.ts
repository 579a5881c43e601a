import type { SyntheticSpec } from '../../src/calibrate/synthetic-run.js';

/**
 * A CPU-saturated burst: 2 x t3.small, 6 tasks of one gevent worker, 100 installs at t = 50 s, spread
 * over the tasks (stickiness off: with the seed tool's shared jar the burst would sit on one task, whose
 * health checks then fail and move it on, which is not what this design isolates).
 */
export const HEAVY: Omit<SyntheticSpec, 'truth' | 'seed'> = {
  sizing: { instance: 't3.small', instances: 2, tasks: 6, workers: 1, workerClass: 'gevent', algorithm: 'round_robin', stickiness: false },
  scenario: 'production-incident',
  overrides: { burstSize: 100, durationSeconds: 70 },
};

/** A lightly loaded steady run: 2 x c6a.xlarge, 12 tasks of 4 workers, 5 pip installs a second for 120 s. */
export const LIGHT: Omit<SyntheticSpec, 'truth' | 'seed'> = {
  sizing: { instance: 'c6a.xlarge', instances: 2, tasks: 12, workers: 4, workerClass: 'gevent', algorithm: 'round_robin' },
  scenario: 'steady',
  overrides: { durationSeconds: 120 },
};
