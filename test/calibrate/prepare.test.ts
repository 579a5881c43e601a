import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type CalibrateOptions, prepareCalibration, runCalibration } from '../../src/calibrate/calibrate.js';
import { loadCalibration } from '../../src/calibrate/calibration-file.js';
import { writeValidateRun } from '../../src/calibrate/synthetic-run.js';

const fixtures = new URL('./fixtures/', import.meta.url).pathname;
const local = ['local-2x2-burst60', 'local-2x2-burst150'].map((d) => join(fixtures, d, 'summary.json'));
const dir = mkdtempSync(join(tmpdir(), 'capsim-prepare-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const base = join(dir, 'start.json');
writeFileSync(
  base,
  JSON.stringify({ name: 'start', stackKind: 'local', description: '', parameters: { 'storage.localMetadataLatencyMs': 0.03 }, fitted: [], runs: [], loss: null, fit: [], notes: [] }),
);

const options = (overrides: Partial<CalibrateOptions> = {}): CalibrateOptions => ({
  runFiles: local,
  defaults: { sizing: {}, overrides: {} },
  fit: ['service.walkCpuPerFileMs'],
  baseCalibration: base,
  replications: 1,
  seed: 1,
  maxEvaluations: 40,
  ...overrides,
});

describe('prepareCalibration checks everything before any simulation', () => {
  it('the recorded local-stack runs make a "local" calibration; fixed overrides are the base file\'s plus --set', () => {
    const prepared = prepareCalibration(options({ sets: { 'service.requestCpuMs': 1.5 } }));
    expect(prepared.stackKind).toBe('local');
    expect(prepared.runs.map((r) => r.label)).toEqual(['local-2x2-burst60', 'local-2x2-burst150']);
    expect(prepared.fixedOverrides).toEqual({ 'storage.localMetadataLatencyMs': 0.03, 'service.requestCpuMs': 1.5 });
    expect(prepared.base['service.requestCpuMs']).toBe(1.5);
    expect(prepared.out).toBeNull();
  });

  it('refuses runs that mix AWS and local sizings, and inconsistent options', () => {
    const aws = writeValidateRun(dir, 'aws', {
      sizing: { instance: 't3.small', instances: 1, tasks: 2, workers: 1, workerClass: 'gevent', algorithm: 'round_robin' },
      scenario: 'light-load',
      overrides: { durationSeconds: 20 },
      truth: {},
      seed: 5,
    });
    expect(() => prepareCalibration(options({ runFiles: [...local, aws] }))).toThrow(/mix AWS sizings .* and local ones/);
    expect(() => prepareCalibration(options({ bounds: { 'storage.nfsMetadataLatencyMs': { lo: 1, hi: 2 } } }))).toThrow(/--bounds storage\.nfsMetadataLatencyMs: the parameter is not in --fit/);
    expect(() => prepareCalibration(options({ fit: ['service.walkCpuPerFileMs', 'service.walkCpuPerFileMs'] }))).toThrow(/names service\.walkCpuPerFileMs twice/);
    expect(() => prepareCalibration(options({ weights: Object.fromEntries(['errorRate', 'p50Ms', 'p95Ms', 'p99Ms', 'throughputOpsPerSecond', 'perOperationMeanMs', 'memAvailableMinMb'].map((m) => [m, 0])) }))).toThrow(/every metric has weight 0/);
    expect(() => prepareCalibration(options({ out: join(dir, 'bad name!.json') }))).toThrow(/not a usable calibration name/);
    expect(() => prepareCalibration(options({ out: join(dir, 'x.yaml') }))).toThrow(/--out must name a \.json file/);
    expect(() => prepareCalibration(options({ baseCalibration: 'no-such-calibration' }))).toThrow(/unknown calibration "no-such-calibration"/);
    expect(() => prepareCalibration(options({ sets: { 'service.walkCpuPerFileMs': -1 } }))).toThrow(/--set: parameter "service\.walkCpuPerFileMs" must be between 0 and 10 ms \(got -1\)/);
  });
});

describe('runCalibration on the recorded local-stack runs', () => {
  it('fits, writes a local calibration file that loads back, and records where every input came from', () => {
    const out = join(dir, 'cal', 'local-test.json');
    const prepared = prepareCalibration(options({ out }));
    expect(existsSync(out)).toBe(false);
    const report = runCalibration(prepared);
    expect(report.loss).toBeLessThan(report.startLoss);
    expect(report.leaveOneOut).toBeNull();
    const loaded = loadCalibration(out);
    expect(loaded.file).toMatchObject({ name: 'local-test', stackKind: 'local', fitted: ['service.walkCpuPerFileMs'], base: 'start' });
    expect(loaded.params['storage.localMetadataLatencyMs']).toBe(0.03);
    expect(loaded.params['service.walkCpuPerFileMs']).toBe(report.fitted['service.walkCpuPerFileMs']);
    const run = loaded.file.runs[0] as { provenance: { sidecar: string; sizing: Record<string, string> }; sizing: Record<string, unknown> };
    expect(run.sizing).toMatchObject({ instance: 'custom', vcpus: 2, tasks: 2, workers: 2, storage: 'local' });
    expect(run.provenance.sidecar).toMatch(/local-2x2-burst60\/summary\.json\.sizing\.json$/);
    expect(run.provenance.sizing.tasks).toBe('run');
  });
});
