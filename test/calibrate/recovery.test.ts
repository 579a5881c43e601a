/**
 * Parameter recovery: runs "measured" by the simulator with known values
 * (one replication each under seeds the fit does not use: genuine simulation
 * noise) are fitted back from the shipped defaults.
 *
 * The runs: a CPU-saturated burst on 2 x t3.small with one gevent worker per
 * task (latency ~ CPU per request / cores) and a lightly loaded steady run on
 * 2 x c6a.xlarge (latency ~ CPU + NFS waits of one request), each with
 * diagnostics (CPU, available memory).
 *
 * How tight this is over many measurement seeds: `npm run bench -- --only
 * calibrate-recovery` (12 seeds, same design): worst errors 3.9 % (CPU per
 * file), 4.5 % (OS overhead), 7.0 % (NFS metadata latency, whose elasticity
 * on light-load latency is only ~0.45, see identifiability.test.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fitParameters } from '../../src/calibrate/fit.js';
import { DEFAULT_WEIGHTS } from '../../src/calibrate/loss.js';
import { readRunFiles } from '../../src/calibrate/run-file.js';
import { defaultParameters, withOverrides } from '../../src/model/parameters.js';
import { writeValidateRun } from '../../src/calibrate/synthetic-run.js';
import { HEAVY, LIGHT } from './designs.js';

const dir = mkdtempSync(join(tmpdir(), 'capsim-recovery-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const within = (fitted: number, truth: number, tolerance: number) => Math.abs(fitted / truth - 1) <= tolerance;

describe('calibrate recovers known parameters from simulator-made runs', () => {
  const truth = { 'service.walkCpuPerFileMs': 0.18, 'memory.osOverheadMb': 420, 'storage.nfsMetadataLatencyMs': 0.8 };
  const runs = readRunFiles(
    [writeValidateRun(dir, 'heavy', { ...HEAVY, truth, seed: 101 }), writeValidateRun(dir, 'light', { ...LIGHT, truth, seed: 102 })],
    { sizing: {}, overrides: {} },
  );

  it('CPU per file walked (from saturated latency) and OS memory overhead (from available memory): within 10 %', () => {
    // The NFS latency is known here (set to its true value); the two fitted parameters start 33 % and 21 % off.
    const base = withOverrides(defaultParameters(), { 'storage.nfsMetadataLatencyMs': 0.8 }, 'test');
    const result = fitParameters({
      runs,
      base,
      fit: ['service.walkCpuPerFileMs', 'memory.osOverheadMb'],
      simulation: { replications: 2, seed: 1 },
      weights: { ...DEFAULT_WEIGHTS },
      maxEvaluations: 200,
    });
    console.log(`recovered ${JSON.stringify(result.values)} (truth ${JSON.stringify(truth)}), loss ${result.startLoss.toFixed(4)} -> ${result.loss.toFixed(5)}, ${result.evaluations} evaluations`);
    expect(result.stopReason).toBe('converged');
    expect(within(result.values['service.walkCpuPerFileMs'], 0.18, 0.1), String(result.values['service.walkCpuPerFileMs'])).toBe(true);
    expect(within(result.values['memory.osOverheadMb'], 420, 0.1), String(result.values['memory.osOverheadMb'])).toBe(true);
    expect(result.loss).toBeLessThan(result.startLoss / 10);
    // The per-run table is computed with the rounded values and every observed metric has its row.
    expect(result.runs.map((r) => r.terms.length)).toEqual([9, 8]);
  });

  it('NFS metadata latency alone, CPU known, from the lightly loaded run: within 10 %', () => {
    const base = withOverrides(defaultParameters(), { 'service.walkCpuPerFileMs': 0.18, 'memory.osOverheadMb': 420 }, 'test');
    const result = fitParameters({
      runs: runs.filter((r) => r.label === 'light'),
      base,
      fit: ['storage.nfsMetadataLatencyMs'],
      simulation: { replications: 4, seed: 1 },
      weights: { ...DEFAULT_WEIGHTS },
      maxEvaluations: 80,
    });
    console.log(`recovered ${JSON.stringify(result.values)} from the light run, ${result.evaluations} evaluations`);
    expect(within(result.values['storage.nfsMetadataLatencyMs'], 0.8, 0.1), String(result.values['storage.nfsMetadataLatencyMs'])).toBe(true);
  });

  it('a fit is deterministic: same runs, seed and replications give the same values', () => {
    const request = {
      runs: runs.filter((r) => r.label === 'heavy'),
      base: defaultParameters(),
      fit: ['service.walkCpuPerFileMs' as const],
      simulation: { replications: 1, seed: 7 },
      weights: { ...DEFAULT_WEIGHTS },
      maxEvaluations: 25,
    };
    const a = fitParameters(request);
    const b = fitParameters(request);
    expect(b.values).toEqual(a.values);
    expect(b.loss).toBe(a.loss);
    expect(a.evaluations).toBeLessThanOrEqual(25);
  });
});
