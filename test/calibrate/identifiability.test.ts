/**
 * Which parameters are identifiable from which metrics, on the two runs the
 * recovery test fits (a CPU-saturated burst on t3.small, a lightly loaded
 * steady run on c6a.xlarge; see recovery.test.ts). Each parameter is moved
 * x1.5 under common random numbers and every observed metric's move is
 * compared with its replication noise (src/calibrate/sensitivity.ts).
 *
 * | parameter                     | moves                                   | identifiable from these runs |
 * |-------------------------------|-----------------------------------------|------------------------------|
 * | service.walkCpuPerFileMs      | P50/P95/P99, per-operation means (both) | yes                          |
 * |                               | and the saturated run's throughput      |                              |
 * | storage.nfsMetadataLatencyMs  | the same latency metrics                | yes, but only apart from CPU |
 * |                               |                                         | thanks to the saturated run  |
 * | memory.osOverheadMb           | memory available, nothing else          | yes                          |
 * | alb.healthIntervalS           | at most a CPU peak (each check to / is  | not by the default loss      |
 * |                               | a walk), no latency, error or memory    | (CPU peaks weigh 0)          |
 * | client.connectTimeoutS        | nothing (the ALB never refuses here)    | no                           |
 * | gunicorn.workerRestartMs      | nothing (gevent workers never time out) | no                           |
 * | error rate                    | moved by none of them (no failures)     |                              |
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_WEIGHTS } from '../../src/calibrate/loss.js';
import { readRunFiles } from '../../src/calibrate/run-file.js';
import { type ParameterSensitivity, sensitivity } from '../../src/calibrate/sensitivity.js';
import { writeValidateRun } from '../../src/calibrate/synthetic-run.js';
import { defaultParameters, type ParameterName } from '../../src/model/parameters.js';
import { HEAVY, LIGHT } from './designs.js';

const dir = mkdtempSync(join(tmpdir(), 'capsim-identifiability-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PARAMETERS: ParameterName[] = [
  'service.walkCpuPerFileMs',
  'storage.nfsMetadataLatencyMs',
  'memory.osOverheadMb',
  'alb.healthIntervalS',
  'client.connectTimeoutS',
  'gunicorn.workerRestartMs',
];

const LATENCY = ['p50Ms', 'p95Ms', 'p99Ms'];

describe('identifiability: which metrics each parameter moves', () => {
  const runs = readRunFiles([writeValidateRun(dir, 'heavy', { ...HEAVY, truth: {}, seed: 11 }), writeValidateRun(dir, 'light', { ...LIGHT, truth: {}, seed: 12 })], {
    sizing: {},
    overrides: {},
  });
  // Every metric, the CPU and iowait peaks included (weight > 0), to show which ones move.
  const weights = { ...DEFAULT_WEIGHTS, cpuUtilPeak: 1, iowaitPeak: 1 };
  const table = new Map<string, ParameterSensitivity>(
    sensitivity(runs, defaultParameters(), PARAMETERS, { replications: 3, seed: 1 }, weights).map((s) => [s.parameter, s]),
  );
  const moved = (parameter: string, run: 'heavy' | 'light') =>
    Object.entries(table.get(parameter)!.runs.find((r) => r.label === run)!.metrics)
      .filter(([, m]) => m.moves)
      .map(([metric]) => metric);
  const elasticity = (parameter: string, run: 'heavy' | 'light', metric: string) => table.get(parameter)!.runs.find((r) => r.label === run)!.metrics[metric].elasticity;

  it('prints the table', () => {
    for (const s of table.values()) {
      console.log(`${s.parameter}: ${s.identifiable ? s.moves.join(', ') : 'nothing'}`);
    }
  });

  it('CPU per file walked moves every latency metric of both runs strongly (elasticity > 0.35)', () => {
    for (const run of ['heavy', 'light'] as const) {
      const operations = Object.keys(runs.find((r) => r.label === run)!.observed.perOperationMeanMs ?? {}).map((o) => `perOperationMeanMs.${o}`);
      expect(operations.length).toBeGreaterThan(1);
      expect(moved('service.walkCpuPerFileMs', run)).toEqual(expect.arrayContaining([...LATENCY, ...operations]));
      for (const metric of LATENCY) expect(elasticity('service.walkCpuPerFileMs', run, metric)).toBeGreaterThan(0.35);
    }
    expect(table.get('service.walkCpuPerFileMs')!.identifiable).toBe(true);
  });

  it('NFS metadata latency moves the same latency metrics: on the light run in the same proportions as CPU (confounded) ...', () => {
    expect(moved('storage.nfsMetadataLatencyMs', 'light')).toEqual(expect.arrayContaining(LATENCY));
    const operations = Object.keys(runs.find((r) => r.label === 'light')!.observed.perOperationMeanMs ?? {});
    expect(operations.length).toBe(2);
    const keys = [...LATENCY, ...operations.map((o) => `perOperationMeanMs.${o}`)];
    const cpu = keys.map((k) => elasticity('service.walkCpuPerFileMs', 'light', k));
    const nfs = keys.map((k) => elasticity('storage.nfsMetadataLatencyMs', 'light', k));
    const cosine = cpu.reduce((s, c, i) => s + c * nfs[i], 0) / Math.hypot(...cpu) / Math.hypot(...nfs);
    console.log(`light run: latency elasticities CPU ${cpu.map((e) => e.toFixed(2)).join(' ')}, NFS ${nfs.map((e) => e.toFixed(2)).join(' ')}, cosine ${cosine.toFixed(3)}`);
    expect(cosine).toBeGreaterThan(0.95);
  });

  it('... while under CPU saturation the two act differently: more CPU per file raises the CPU peak, slower NFS lowers it', () => {
    expect(elasticity('service.walkCpuPerFileMs', 'heavy', 'cpuUtilPeak')).toBeGreaterThan(0.1);
    expect(elasticity('storage.nfsMetadataLatencyMs', 'heavy', 'cpuUtilPeak')).toBeLessThan(-0.1);
    expect(moved('service.walkCpuPerFileMs', 'heavy')).toContain('cpuUtilPeak');
    expect(moved('storage.nfsMetadataLatencyMs', 'heavy')).toContain('cpuUtilPeak');
  });

  it('OS memory overhead moves available memory and nothing else', () => {
    expect(moved('memory.osOverheadMb', 'heavy')).toEqual(['memAvailableMinMb']);
    expect(moved('memory.osOverheadMb', 'light')).toEqual(['memAvailableMinMb']);
    expect(elasticity('memory.osOverheadMb', 'heavy', 'memAvailableMinMb')).toBeLessThan(-0.2);
  });

  it('connect timeout and worker restart time move nothing (not identifiable); the health-check interval at most a CPU peak, which the default loss leaves out', () => {
    for (const parameter of ['client.connectTimeoutS', 'gunicorn.workerRestartMs']) {
      expect(table.get(parameter)!.moves, parameter).toEqual([]);
      expect(table.get(parameter)!.identifiable).toBe(false);
    }
    // A check of / walks the package directory: on a lightly loaded instance its walk shows in a 1-s CPU peak.
    for (const metric of table.get('alb.healthIntervalS')!.moves) expect(metric).toMatch(/: cpuUtilPeak$/);
    expect(DEFAULT_WEIGHTS.cpuUtilPeak).toBe(0);
  });

  it('no parameter here moves the error rate (no run had failures); only CPU per file moves a throughput, the saturated run\'s', () => {
    for (const s of table.values()) {
      for (const run of s.runs) {
        expect(run.metrics.errorRate?.moves ?? false).toBe(false);
        const throughput = run.metrics.throughputOpsPerSecond?.moves ?? false;
        expect(throughput).toBe(s.parameter === 'service.walkCpuPerFileMs' && run.label === 'heavy');
      }
    }
  });
});
