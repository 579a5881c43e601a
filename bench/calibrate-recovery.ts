/**
 * How tightly `capsim calibrate` recovers known parameters (not a pass/fail
 * test; test/calibrate/recovery.test.ts checks one measurement seed): for
 * each of SEEDS measurement seeds, a CPU-saturated burst run and a lightly
 * loaded steady run are simulated with known values and written as validate
 * summaries, then fitted back from the shipped defaults:
 *   A: service.walkCpuPerFileMs + memory.osOverheadMb from both runs (NFS known);
 *   B: storage.nfsMetadataLatencyMs from the light run (CPU known).
 * Prints, per parameter, the relative errors fitted / true - 1 (worst, mean)
 * and the fraction of seeds within 10 %.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fitParameters } from '../src/calibrate/fit.js';
import { DEFAULT_WEIGHTS } from '../src/calibrate/loss.js';
import { readRunFiles } from '../src/calibrate/run-file.js';
import { type SyntheticSpec, writeValidateRun } from '../src/calibrate/synthetic-run.js';
import { defaultParameters, withOverrides } from '../src/model/parameters.js';

const SEEDS = 12;
const TRUTH = { 'service.walkCpuPerFileMs': 0.18, 'memory.osOverheadMb': 420, 'storage.nfsMetadataLatencyMs': 0.8 };
const HEAVY: Omit<SyntheticSpec, 'truth' | 'seed'> = {
  sizing: { instance: 't3.small', instances: 2, tasks: 6, workers: 1, workerClass: 'gevent', algorithm: 'round_robin' },
  scenario: 'production-incident',
  overrides: { burstSize: 100, durationSeconds: 70 },
};
const LIGHT: Omit<SyntheticSpec, 'truth' | 'seed'> = {
  sizing: { instance: 'c6a.xlarge', instances: 2, tasks: 12, workers: 4, workerClass: 'gevent', algorithm: 'round_robin' },
  scenario: 'steady',
  overrides: { durationSeconds: 120 },
};

export function benchCalibrateRecovery(): Record<string, unknown> {
  const dir = mkdtempSync(join(tmpdir(), 'capsim-bench-recovery-'));
  const errors: Record<string, number[]> = { 'service.walkCpuPerFileMs': [], 'memory.osOverheadMb': [], 'storage.nfsMetadataLatencyMs': [] };
  let evaluations = 0;
  try {
    for (let s = 0; s < SEEDS; s++) {
      const seed = 5000 + 10 * s;
      const runs = readRunFiles(
        [writeValidateRun(dir, `heavy-${seed}`, { ...HEAVY, truth: TRUTH, seed }), writeValidateRun(dir, `light-${seed}`, { ...LIGHT, truth: TRUTH, seed: seed + 1 })],
        { sizing: {}, overrides: {} },
      );
      const a = fitParameters({
        runs,
        base: withOverrides(defaultParameters(), { 'storage.nfsMetadataLatencyMs': TRUTH['storage.nfsMetadataLatencyMs'] }, 'bench'),
        fit: ['service.walkCpuPerFileMs', 'memory.osOverheadMb'],
        simulation: { replications: 2, seed: 1 },
        weights: { ...DEFAULT_WEIGHTS },
        maxEvaluations: 200,
      });
      const b = fitParameters({
        runs: runs.slice(1),
        base: withOverrides(defaultParameters(), { 'service.walkCpuPerFileMs': TRUTH['service.walkCpuPerFileMs'], 'memory.osOverheadMb': TRUTH['memory.osOverheadMb'] }, 'bench'),
        fit: ['storage.nfsMetadataLatencyMs'],
        simulation: { replications: 4, seed: 1 },
        weights: { ...DEFAULT_WEIGHTS },
        maxEvaluations: 80,
      });
      evaluations += a.evaluations + b.evaluations;
      for (const [name, value] of Object.entries({ ...a.values, ...b.values })) errors[name].push(value / TRUTH[name as keyof typeof TRUTH] - 1);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const round = (x: number) => Number(x.toFixed(4));
  return {
    seeds: SEEDS,
    evaluations,
    relativeError: Object.fromEntries(
      Object.entries(errors).map(([name, list]) => [
        name,
        {
          worst: round(list.reduce((w, e) => (Math.abs(e) > Math.abs(w) ? e : w), 0)),
          mean: round(list.reduce((a, e) => a + e, 0) / list.length),
          within10Percent: round(list.filter((e) => Math.abs(e) <= 0.1).length / list.length),
        },
      ]),
    ),
  };
}
