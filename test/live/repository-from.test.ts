// The index a validate run read is the one calibrate and `predict --repository-from` model: the real
// pypiserver with 40 projects x 2 versions (80 files, not the scenario's 100 x 3), through the CLI.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.js';
import { startStack, type RunningStack } from '../stack/stack.js';

let stack: RunningStack;
let dir: string;
let summaryFile: string;
const sizing = ['--instance', 'custom', '--vcpus', '1', '--memory-gb', '4', '--tasks', '1', '--workers', '2', '--worker-class', 'sync', '--algorithm', 'round_robin'];
const load = ['--scenario', 'local-burst', '--burst-size', '20', '--baseline', '2', '--duration', '12'];

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'capsim-repository-'));
  stack = await startStack({ servers: 1, workers: 2, workerClass: 'sync', balancing: 'round_robin', projects: 40, versionsPerProject: 2 });
  const out = path.join(dir, 'run');
  const run = runCli(['validate', '--url', stack.url, ...load, ...sizing, '--out', out, '--json']);
  expect(run.code, run.stderr).toBe(0);
  summaryFile = path.join(out, 'summary.json');
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the repository of a validate run', () => {
  it('is the index\'s own: 40 projects, 80 files, 2 a page, the wheels\' mean size', () => {
    const summary = JSON.parse(readFileSync(summaryFile, 'utf8'));
    expect(summary.error_rate).toBe(0);
    const meanBytes = stack.files.reduce((sum, f) => sum + f.bytes, 0) / stack.files.length;
    expect(summary.repository).toEqual({ projects: 40, versionsPerProject: 2, wheelBytes: meanBytes, versionPick: 'latest', files: 80 });
  });

  it('predict --repository-from models that index (80 files), not the scenario\'s (300)', () => {
    const predict = (extra: string[]) => {
      const run = runCli(['predict', ...sizing, ...load, '--replications', '2', '--json', ...extra]);
      expect(run.code, run.stderr).toBe(0);
      return JSON.parse(run.stdout);
    };
    const own = predict([]);
    const fromRun = predict(['--repository-from', summaryFile]);
    expect(own.scenario.repository).toMatchObject({ projects: 100, versionsPerProject: 3 });
    expect(fromRun.scenario.repository.files).toBe(80);
    expect(fromRun.scenario.repository.projects).toBe(40);
    // A walk over 80 files costs less than one over 300: the simple pages get faster.
    expect(fromRun.perOperation.root.meanOkMs.mean).toBeLessThan(own.perOperation.root.meanOkMs.mean);
    const text = runCli(['predict', ...sizing, ...load, '--replications', '1', '--repository-from', summaryFile]);
    expect(text.stdout).toContain('repository: 40 projects, 80 files, 2 files per project page');
  });

  it('calibrate fits the model on that index (80 files)', () => {
    const run = runCli(['calibrate', '--run', summaryFile, '--calibration', 'local-stack', '--fit', 'service.requestCpuMs', '--replications', '1', '--max-evaluations', '6', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.runs[0].scenario.files).toBe(80);
    expect(report.runs[0].scenario.repository).toMatchObject({ projects: 40, versionsPerProject: 2, files: 80 });
  });

  it('a file without a repository is one line, exit 2', () => {
    const run = runCli(['predict', '--repository-from', path.join(dir, 'nope.json')]);
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe(`capsim: --repository-from: ${path.join(dir, 'nope.json')} does not exist`);
  });
});
