import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readRunFile, readRunFiles } from '../../src/calibrate/run-file.js';
import { UserError } from '../../src/errors.js';

const fixtures = new URL('./fixtures/', import.meta.url).pathname;
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'capsim-runfile-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A seed-tool summary as the seed's Python tool writes it (no sizing, no scenario). */
function seedSummary(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    profile: 'production-incident',
    start_time: '2025-06-02T10:29:30',
    end_time: '2025-06-02T10:34:30',
    duration_seconds: 300,
    total_requests: 2000,
    successful_requests: 1614,
    failed_requests: 386,
    error_rate: 19.3,
    latency_min: 12.5,
    latency_max: 29990.1,
    latency_mean: 8100.2,
    latency_median: 5400.7,
    latency_p95: 27055,
    latency_p99: 29500.4,
    requests_per_second: 6.67,
    status_code_counts: { '200': 1900, '502': 60, '504': 40 },
    error_5xx_count: 101,
    operations: {
      root: { total_requests: 667, latency_mean: 9100.5 },
      simple: { total_requests: 667, latency_mean: 7900.1 },
      download: { total_requests: 666, latency_mean: null },
    },
    ...overrides,
  };
}

function writeJson(path: string, value: unknown): string {
  writeFileSync(path, JSON.stringify(value, null, 2));
  return path;
}

const noDefaults = { sizing: {}, overrides: {} };

describe('a capsim validate summary (real, recorded on this machine against the local test stack)', () => {
  const path = join(fixtures, 'local-2x2-burst60', 'summary.json');
  const raw = JSON.parse(readFileSync(path, 'utf8')) as Record<string, any>;

  it('reads the seed keys, the declared sizing completed by its sidecar, the embedded scenario and the diagnostics', () => {
    const run = readRunFile(path, noDefaults);
    expect(run.kind).toBe('validate-summary');
    expect(run.label).toBe('local-2x2-burst60');
    expect(run.operations).toBe(raw.total_requests);
    expect(run.observed.errorRate).toBe(0);
    expect(run.observed.p50Ms).toBe(raw.latency_median);
    expect(run.observed.p95Ms).toBe(raw.latency_p95);
    expect(run.observed.p99Ms).toBe(raw.latency_p99);
    expect(run.observed.throughputOpsPerSecond).toBeCloseTo(raw.successful_requests / raw.duration_seconds, 12);
    expect(run.observed.perOperationMeanMs).toEqual({
      root: raw.operations.root.latency_mean,
      simple: raw.operations.simple.latency_mean,
      download: raw.operations.download.latency_mean,
    });
    const cpu = raw.diagnostics[0].hosts[0].parsed.cpu;
    expect(run.observed.cpuUtilPeak).toBeCloseTo((cpu.user + cpu.system) / 100, 12);
    expect(run.observed.iowaitPeak).toBeCloseTo(cpu.iowait / 100, 12);
    expect(run.observed.memAvailableMinMb).toBe(raw.diagnostics[0].hosts[0].parsed.memory.availableMb);
    // validate recorded tasks, workers, class and algorithm; the sidecar adds the machine.
    expect(run.sizing).toMatchObject({ instance: 'custom', vcpus: 2, tasks: 2, workers: 2, workerClass: 'gevent', algorithm: 'round_robin', storage: 'local' });
    expect(run.provenance.sizing).toMatchObject({ tasks: 'run', workers: 'run', instance: 'sidecar', vcpus: 'sidecar' });
    expect(run.resolvedSizing.stackKind).toBe('local');
    expect(run.scenario.flow).toBe('seed-tool');
    expect(run.scenario.profile).toMatchObject({ executor: 'burst-iterations', burstInstalls: 60, durationSeconds: 70 });
    expect(run.provenance.scenario).toBe('run file: production-incident');
  });

  it('refuses an interrupted run, and flags or a --scenario that contradict it', () => {
    const dir = tempDir();
    const interrupted = writeJson(join(dir, 'interrupted.json'), { ...raw, interrupted: true, interrupt_reason: 'signal' });
    expect(() => readRunFile(interrupted, { sizing: { instance: 'custom', vcpus: 2, memoryGiB: 4 }, overrides: {} })).toThrow(/interrupted \(signal\); calibrate needs a complete run/);
    expect(() => readRunFile(path, { sizing: { tasks: 3 }, overrides: {} })).toThrow(/--tasks 3 contradicts tasks 2 stated by the run file/);
    expect(() => readRunFile(path, { sizing: {}, overrides: { burstSize: 100 } })).toThrow(/--burst-size 100 contradicts the scenario stated by the run file \(60\)/);
    expect(() => readRunFile(path, { sizing: {}, scenario: 'steady', overrides: {} })).toThrow(/carries its own scenario/);
    // Agreeing flags are fine.
    expect(readRunFile(path, { sizing: { tasks: 2 }, overrides: { burstSize: 60 } }).sizing.tasks).toBe(2);
  });

  it('without the sidecar the instance is missing: one line naming the flags and the sidecar', () => {
    const dir = tempDir();
    const copy = writeJson(join(dir, 'run.json'), raw);
    expect(() => readRunFile(copy, noDefaults)).toThrow(/no instance for this run: give --instance or a sidecar .*run\.json\.sizing\.json/);
    const run = readRunFile(copy, { sizing: { instance: 'custom', vcpus: 2, memoryGiB: 4 }, overrides: {} });
    expect(run.provenance.sizing.instance).toBe('flags');
  });
});

describe('a seed-tool summary', () => {
  it('takes sizing and scenario from a sidecar, with scenario overrides, and reads a percent error rate against the counts', () => {
    const dir = tempDir();
    const path = writeJson(join(dir, 'baseline.json'), seedSummary());
    writeJson(join(dir, 'baseline.sizing.json'), {
      label: 't3small-1worker',
      instance: 't3.small',
      instances: 2,
      tasks: 6,
      workers: 1,
      scenario: 'production-incident',
      overrides: { durationSeconds: 300 },
    });
    const run = readRunFile(path, noDefaults);
    expect(run.kind).toBe('seed-summary');
    expect(run.label).toBe('t3small-1worker');
    expect(run.observed.errorRate).toBeCloseTo(386 / 2000, 12);
    expect(run.provenance.units).toContain('error_rate read as a percent (value / 100 matches failed / total)');
    expect(run.observed.p95Ms).toBe(27055);
    expect(run.observed.throughputOpsPerSecond).toBeCloseTo(1614 / 300, 12);
    expect(run.observed.perOperationMeanMs).toEqual({ root: 9100.5, simple: 7900.1 });
    expect(run.observed.cpuUtilPeak).toBeUndefined();
    expect(run.sizing).toEqual({ instance: 't3.small', instances: 2, tasks: 6, workers: 1, workerClass: 'gevent', algorithm: 'round_robin' });
    expect(run.provenance.sizing).toMatchObject({ workerClass: 'default', algorithm: 'default' });
    expect(run.resolvedSizing.placement.tasksPerInstance).toEqual([3, 3]);
    expect(run.scenario.name).toBe('production-incident');
    expect(run.provenance.sidecar).toBe(join(dir, 'baseline.sizing.json'));
  });

  it('takes sizing from flags and the scenario from --scenario (with override flags), or from a shipped profile name', () => {
    const dir = tempDir();
    const path = writeJson(join(dir, 'run.json'), seedSummary({ error_rate: 0.193 }));
    const sizing = { instance: 'c6a.xlarge', tasks: 12, workers: 4 };
    const named = readRunFile(path, { sizing, scenario: 'pip-burst', overrides: { durationSeconds: 120 } });
    expect(named.scenario.name).toBe('pip-burst');
    expect(named.scenario.profile).toMatchObject({ durationSeconds: 120 });
    expect(named.provenance.units).toContain('error_rate read as a fraction (it matches failed / total)');
    const fromProfile = readRunFile(path, { sizing, overrides: {} });
    expect(fromProfile.provenance.scenario).toBe('profile "production-incident" (shipped scenario)');
    expect(fromProfile.resolvedSizing.placement.instances).toBe(2);
    const unknownProfile = writeJson(join(dir, 'other.json'), seedSummary({ profile: 'smoke' }));
    expect(() => readRunFile(unknownProfile, { sizing, overrides: {} })).toThrow(/no scenario for this run: give --scenario NAME or a sidecar/);
  });

  it('decides error-rate units from the value when there are no counts, or from the sidecar', () => {
    const dir = tempDir();
    const base = seedSummary();
    delete base.failed_requests;
    delete base.successful_requests;
    const sizing = { instance: 't3.small', tasks: 2, workers: 1 };
    const percent = writeJson(join(dir, 'p.json'), { ...base, error_rate: 3.5 });
    expect(readRunFile(percent, { sizing, overrides: {} }).observed.errorRate).toBeCloseTo(0.035, 12);
    const fraction = writeJson(join(dir, 'f.json'), { ...base, error_rate: 0.5 });
    expect(readRunFile(fraction, { sizing, overrides: {} }).observed.errorRate).toBe(0.5);
    expect(readRunFile(fraction, { sizing, overrides: {} }).observed.throughputOpsPerSecond).toBeUndefined();
    const declared = writeJson(join(dir, 'd.json'), { ...base, error_rate: 0.5, latency_median: 0.2, latency_p95: 1.5, latency_p99: 2 });
    writeJson(join(dir, 'd.sizing.json'), { errorRateUnit: 'percent', latencyUnit: 's' });
    const run = readRunFile(declared, { sizing, overrides: {} });
    expect(run.observed.errorRate).toBeCloseTo(0.005, 12);
    expect(run.observed.p95Ms).toBe(1500);
    expect(run.observed.perOperationMeanMs).toEqual({ root: 9100500, simple: 7900100 });
  });

  it('workers "auto" is the module formula of the container memory', () => {
    const dir = tempDir();
    const path = writeJson(join(dir, 'auto.json'), seedSummary());
    writeJson(join(dir, 'auto.json.sizing.json'), { instance: 'c6a.xlarge', tasks: 4, workers: 'auto', containerMemoryMb: 1024 });
    expect(readRunFile(path, { sizing: {}, scenario: 'production-incident', overrides: {} }).sizing.workers).toBe(8);
  });

  it('bad files: one clear line naming the file and what is wrong', () => {
    const dir = tempDir();
    const sizing = { sizing: { instance: 't3.small', tasks: 2, workers: 1 }, scenario: 'production-incident', overrides: {} };
    const cases: Array<[unknown, RegExp]> = [
      [{ ...seedSummary(), total_requests: undefined }, /lacks required field "total_requests"/],
      [{ ...seedSummary(), total_requests: 0 }, /"total_requests" must be a whole number >= 1/],
      [{ ...seedSummary(), error_rate: undefined, failed_requests: undefined, successful_requests: undefined }, /lacks required field "error_rate"/],
      [{ ...seedSummary(), error_rate: 7 }, /"error_rate" 7 matches neither failed \/ total = 0\.193000/],
      [{ ...seedSummary(), latency_p95: undefined }, /lacks required field "latency_p95"/],
      [{ ...seedSummary(), latency_p95: null }, /"latency_p95" is null but the run has successful operations/],
      [{ ...seedSummary(), latency_p95: '27 s' }, /"latency_p95" must be a number of ms/],
      [{ ...seedSummary(), failed_requests: 5000 }, /"failed_requests" must be a whole number between 0 and total_requests 2000/],
      [[1, 2, 3], /expected an object/],
    ];
    cases.forEach(([content, message], i) => {
      const path = writeJson(join(dir, `bad${i}.json`), content);
      let error: unknown;
      try {
        readRunFile(path, sizing);
      } catch (e) {
        error = e;
      }
      expect(error, String(message)).toBeInstanceOf(UserError);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).toContain(`bad${i}.json`);
      expect((error as Error).message).not.toContain('\n');
    });
    const notJson = join(dir, 'not.json');
    writeFileSync(notJson, '{"total_requests": 12,');
    expect(() => readRunFile(notJson, sizing)).toThrow(/not\.json is not valid JSON/);
    expect(() => readRunFile(join(dir, 'missing.json'), sizing)).toThrow(/missing\.json does not exist/);
    const badSidecar = writeJson(join(dir, 'side.json'), seedSummary());
    writeJson(join(dir, 'side.json.sizing.json'), { instance: 't3.small', task: 2 });
    expect(() => readRunFile(badSidecar, sizing)).toThrow(/side\.json\.sizing\.json: unknown field "task"/);
    const unknownInstance = writeJson(join(dir, 'inst.json'), seedSummary());
    expect(() => readRunFile(unknownInstance, { ...sizing, sizing: { ...sizing.sizing, instance: 't3.smal' } })).toThrow(/inst\.json: unknown instance type "t3\.smal"/);
  });

  it('labels: a validate summary.json is named after its directory, duplicates get #2', () => {
    const dir = tempDir();
    const sizing = { sizing: { instance: 't3.small', tasks: 2, workers: 1 }, scenario: 'production-incident', overrides: {} };
    for (const sub of ['a', 'b']) mkdirSync(join(dir, sub));
    const a = writeJson(join(dir, 'a', 'summary.json'), seedSummary());
    const b = writeJson(join(dir, 'b', 'run.json'), seedSummary());
    const c = writeJson(join(dir, 'a', 'run.json'), seedSummary());
    expect(readRunFiles([a, b, c], sizing).map((r) => r.label)).toEqual(['a', 'run', 'run#2']);
  });
});
