import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCalibration } from '../../src/calibrate/calibration-file.js';
import { writeValidateRun } from '../../src/calibrate/synthetic-run.js';
import { runCli } from '../cli/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'capsim-calibrate-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// The fit starts from the plain model defaults, whatever the shipped calibration holds.
const base = join(dir, 'defaults.json');
writeFileSync(base, JSON.stringify({ name: 'defaults', stackKind: 'aws', description: 'models/parameters.json as is', parameters: {}, fitted: [], runs: [], loss: null, fit: [], notes: [] }));

const truth = { 'service.walkCpuPerFileMs': 0.16 };
const small = { instance: 't3.small', instances: 2, tasks: 6, workers: 1, workerClass: 'gevent', algorithm: 'round_robin' } as const;
const runs = [
  writeValidateRun(dir, 'small-burst40', { sizing: small, scenario: 'production-incident', overrides: { burstSize: 40, durationSeconds: 60 }, truth, seed: 21 }),
  writeValidateRun(dir, 'small-burst80', { sizing: small, scenario: 'production-incident', overrides: { burstSize: 80, durationSeconds: 60 }, truth, seed: 22 }),
  writeValidateRun(dir, 'large-burst80', {
    sizing: { instance: 'c6a.large', instances: 1, tasks: 2, workers: 2, workerClass: 'gevent', algorithm: 'round_robin' },
    scenario: 'production-incident',
    overrides: { burstSize: 80, durationSeconds: 60 },
    truth,
    seed: 23,
  }),
];
const quick = ['--fit', 'service.walkCpuPerFileMs', '--calibration', base, '--replications', '1', '--max-evaluations', '30'];

function expectBadInput(args: string[], message: RegExp, out: string): void {
  const result = runCli(['calibrate', ...args, '--out', out]);
  expect(result.code, result.stderr).toBe(2);
  expect(result.stdout).toBe('');
  const lines = result.stderr.trim().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^capsim: /);
  expect(lines[0]).toMatch(message);
  expect(lines[0]).not.toMatch(/\s+at \S+:\d+/);
  expect(existsSync(out)).toBe(false);
}

describe('capsim calibrate: bad input is one line, exit 2, nothing written', () => {
  it('a run file that is not JSON', () => {
    const path = join(dir, 'garbage.json');
    writeFileSync(path, 'total_requests=12\n');
    expectBadInput(['--run', runs[0], '--run', path, ...quick], /run file .*garbage\.json is not valid JSON/, join(dir, 'out-garbage.json'));
  });

  it('a run file that lacks required fields', () => {
    const summary = JSON.parse(readFileSync(runs[0], 'utf8')) as Record<string, unknown>;
    delete summary.latency_p95;
    const path = join(dir, 'no-p95.json');
    writeFileSync(path, JSON.stringify(summary));
    expectBadInput(['--run', path, ...quick], /no-p95\.json: lacks required field "latency_p95"/, join(dir, 'out-missing.json'));
  });

  it('a run file naming an unknown instance type', () => {
    const summary = JSON.parse(readFileSync(runs[0], 'utf8')) as { sizing: Record<string, unknown> };
    summary.sizing.instance = 't3.smal';
    const path = join(dir, 'unknown-instance.json');
    writeFileSync(path, JSON.stringify(summary));
    expectBadInput(['--run', runs[1], '--run', path, ...quick], /unknown-instance\.json: unknown instance type "t3\.smal"; closest: t3\.small/, join(dir, 'out-instance.json'));
  });

  it('a seed-tool summary without sizing, an unknown parameter, a whole-number parameter, a missing run file', () => {
    const summary = JSON.parse(readFileSync(runs[0], 'utf8')) as Record<string, unknown>;
    delete summary.sizing;
    delete summary.scenario;
    const path = join(dir, 'seed-only.json');
    writeFileSync(path, JSON.stringify(summary));
    expectBadInput(['--run', path, ...quick], /seed-only\.json: no instance, tasks, workers for this run: give --instance --tasks --workers or a sidecar/, join(dir, 'out-a.json'));
    expectBadInput(['--run', runs[0], ...quick, '--fit', 'service.walkCpuPerFile'], /--fit: unknown parameter "service\.walkCpuPerFile"; did you mean service\.walkCpuPerFileMs/, join(dir, 'out-b.json'));
    expectBadInput(['--run', runs[0], '--fit', 'gunicorn.backlog', '--calibration', base], /whole-number parameter cannot be fitted/, join(dir, 'out-c.json'));
    expectBadInput(['--run', join(dir, 'nope.json'), ...quick], /run file .*nope\.json does not exist/, join(dir, 'out-d.json'));
    expectBadInput(['--run', runs[0], ...quick, '--weight', 'p95=1'], /--weight: unknown metric "p95"/, join(dir, 'out-e.json'));
  });
});

describe('capsim calibrate --json with three runs', () => {
  const out = join(dir, 'calibration', 'cli-fit.json');
  const result = runCli(['calibrate', ...runs.flatMap((r) => ['--run', r]), ...quick, '--out', out, '--json', '--progress']);
  const report = result.code === 0 ? (JSON.parse(result.stdout) as Record<string, any>) : null;

  it('exits 0 and prints only JSON on stdout; progress goes to stderr', () => {
    expect(result.code, result.stderr).toBe(0);
    expect(report).not.toBeNull();
    expect(result.stderr).toMatch(/calibrate fit: evaluation 1\/30, loss [\d.]+ \(best [\d.]+\) service\.walkCpuPerFileMs=0\.12/);
    expect(result.stderr).toMatch(/calibrate leave out small-burst40: evaluation/);
  });

  it('prints the fitted parameters, the loss and the per-run observed vs predicted table', () => {
    expect(Object.keys(report!.fitted)).toEqual(['service.walkCpuPerFileMs']);
    expect(report!.fitted['service.walkCpuPerFileMs']).toBeGreaterThan(0.16 * 0.85);
    expect(report!.fitted['service.walkCpuPerFileMs']).toBeLessThan(0.16 * 1.15);
    expect(report!.loss).toBeLessThan(report!.startLoss);
    expect(report!.stackKind).toBe('aws');
    expect(report!.runs.map((r: { label: string }) => r.label)).toEqual(['small-burst40', 'small-burst80', 'large-burst80']);
    for (const run of report!.runs) {
      const metrics = run.terms.map((t: { metric: string }) => t.metric);
      expect(metrics).toEqual(expect.arrayContaining(['errorRate', 'p50Ms', 'p95Ms', 'p99Ms', 'perOperationMeanMs.root']));
      for (const term of run.terms) {
        expect(typeof term.observed).toBe('number');
        expect(typeof term.predicted).toBe('number');
      }
      expect(run.loss).toBeCloseTo(run.terms.reduce((s: number, t: { term: number }) => s + t.term, 0), 12);
    }
    expect(report!.loss).toBeCloseTo(report!.runs.reduce((s: number, r: { loss: number }) => s + r.loss, 0), 12);
    expect(report!.identifiability[0]).toMatchObject({ parameter: 'service.walkCpuPerFileMs', identifiable: true });
  });

  it('reports leave-one-out prediction errors for each of the three runs', () => {
    const loo = report!.leaveOneOut;
    expect(loo.runs.map((r: { label: string }) => r.label)).toEqual(['small-burst40', 'small-burst80', 'large-burst80']);
    for (const run of loo.runs) {
      expect(Object.keys(run.values)).toEqual(['service.walkCpuPerFileMs']);
      const p95 = run.terms.find((t: { metric: string }) => t.metric === 'p95Ms');
      expect(p95.relativeError).toBeCloseTo((p95.predicted - p95.observed) / p95.observed, 12);
    }
    expect(loo.meanAbsRelativeError.p95Ms).toBeGreaterThan(0);
    expect(loo.meanAbsRelativeError.p95Ms).toBeLessThan(0.3);
  });

  it('writes a calibration file that loads, records the fit, and reproduces its table through capsim predict', () => {
    const loaded = loadCalibration(out);
    expect(loaded.file.name).toBe('cli-fit');
    expect(loaded.file.stackKind).toBe('aws');
    expect(loaded.file.fitted).toEqual(['service.walkCpuPerFileMs']);
    expect(loaded.params['service.walkCpuPerFileMs']).toBe(report!.fitted['service.walkCpuPerFileMs']);
    expect(loaded.file.loss).toBe(report!.loss);
    expect(loaded.file.runs).toHaveLength(3);
    expect(loaded.file.runs[0]).toMatchObject({ label: 'small-burst40', kind: 'validate-summary', sizing: { instance: 't3.small', tasks: 6, workers: 1 } });
    expect(loaded.file.fit).toHaveLength(3);
    expect(loaded.file.base).toBe('defaults');
    expect(loaded.file.settings).toMatchObject({ replications: 1, seed: 1, maxEvaluations: 30 });
    expect(loaded.file.leaveOneOut).toBeTruthy();
    const fitRow = (loaded.file.fit[1] as { metrics: Array<{ metric: string; predicted: number }> }).metrics.find((m) => m.metric === 'p95Ms')!;
    const predicted = runCli([
      'predict', '--calibration', out, '--instance', 't3.small', '--instances', '2', '--tasks', '6', '--workers', '1',
      '--scenario', 'production-incident', '--burst-size', '80', '--duration', '60', '--replications', '1', '--seed', '1', '--json',
    ]);
    expect(predicted.code, predicted.stderr).toBe(0);
    expect(JSON.parse(predicted.stdout).latencyMs.p95.mean).toBe(fitRow.predicted);
  });

  it('refuses to replace the file without --force', () => {
    const again = runCli(['calibrate', '--run', runs[0], ...quick, '--out', out]);
    expect(again.code).toBe(2);
    expect(again.stderr.trim()).toMatch(/^capsim: --out .*cli-fit\.json already exists; pass --force to replace it$/);
  });
});

describe('capsim calibrate, human output', () => {
  it('prints the fitted values, one observed-vs-predicted table per run and the identifiability line; no leave-one-out under 3 runs', () => {
    const result = runCli(['calibrate', '--run', runs[0], '--run', runs[1], ...quick]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^fitted 1 parameter to 2 runs \(aws stack, starting from defaults\), 1 replications per run, seed 1$/m);
    expect(result.stdout).toMatch(/^service\.walkCpuPerFileMs\s+0\.1200\s+0\.1\d+\s+0\.006000 \.\. 2\.400 \(log\)$/m);
    expect(result.stdout.match(/^metric\s+observed\s+predicted\s+rel\. error\s+loss term$/gm)).toHaveLength(2);
    expect(result.stdout).toMatch(/^ {2}service\.walkCpuPerFileMs: small-burst40: p50Ms/m);
    expect(result.stdout).not.toContain('leave-one-out');
    expect(result.stdout.trimEnd()).toMatch(/no --out given: nothing written$/);
  });
});
