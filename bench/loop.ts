/**
 * The calibrate-then-predict loop on the real local stack, step by step, as a
 * user runs it: start the stack at a sizing (test/stack: nginx + gunicorn,
 * server processes pinned to core 0), `capsim validate` pinned to core 1
 * (the generator must not steal the servers' core), `capsim calibrate` on one
 * run, `capsim predict --json` at other sizings for exactly the load the runs
 * applied, and the comparison. Every step is the CLI (bin/run.js), so the loop
 * exercises the documented workflow. Used by bench/accuracy.ts (the full
 * matrix) and test/loop/loop.test.ts (a reduced loop).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startStack } from '../test/stack/stack.js';
import { compareFiles, type Comparison } from '../src/report/compare.js';
import { confidenceInterval } from '../src/sim/stats/interval.js';

export const repoRoot = fileURLToPath(new URL(import.meta.url.includes('/dist/') ? '../..' : '..', import.meta.url));

/** A sizing of the local stack. */
export interface LocalSizing {
  tasks: number;
  workers: number;
  workerClass: 'sync' | 'gevent';
  balancing: 'round_robin' | 'least_conn';
}

/** The load of every run (and of every prediction), as validate's scenario overrides. */
export interface LoopLoad {
  scenario: string;
  burst: number;
  durationS: number;
  timeoutS: number;
}

export interface LoopMachine {
  /** CPU list the servers (gunicorn and nginx) are pinned to, and its size (the model's vCPUs). */
  serverCpuSet: string;
  vcpus: number;
  /** CPU list the load generator (capsim validate) runs on. */
  generatorCpuSet: string;
  memoryGiB: number;
}

export function sizingLabel(s: LocalSizing): string {
  return `${s.tasks}x${s.workers} ${s.workerClass} ${s.balancing}`;
}

/** Memory of this machine from /proc/meminfo, GiB (one decimal). */
export function machineMemoryGiB(): number {
  const match = /MemTotal:\s+(\d+) kB/.exec(readFileSync('/proc/meminfo', 'utf8'));
  return match ? Math.round((Number(match[1]) / 1024 / 1024) * 10) / 10 : 4;
}

/** The two cores of the test machine: servers on 0, the generator on 1. */
export function defaultMachine(): LoopMachine {
  return { serverCpuSet: '0', vcpus: 1, generatorCpuSet: '1', memoryGiB: machineMemoryGiB() };
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/run.js ARGS`, optionally pinned with taskset. */
export function capsim(args: string[], cpuSet?: string): Promise<CliRun> {
  const node = process.execPath;
  const bin = join(repoRoot, 'bin', 'run.js');
  const [file, argv] = cpuSet === undefined ? [node, [bin, ...args]] : ['/usr/bin/taskset', ['-c', cpuSet, node, bin, ...args]];
  return new Promise((resolve, reject) => {
    const child = spawn(file, argv, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

function mustSucceed(what: string, run: CliRun): CliRun {
  if (run.code !== 0) throw new Error(`${what} failed (exit ${run.code}): ${run.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  return run;
}

/** Sizing flags shared by validate and predict. */
export function sizingFlags(s: LocalSizing, m: LoopMachine): string[] {
  return [
    '--instance', 'custom', '--vcpus', String(m.vcpus), '--memory-gb', String(m.memoryGiB),
    '--tasks', String(s.tasks), '--workers', String(s.workers), '--worker-class', s.workerClass, '--algorithm', s.balancing,
  ];
}

export function loadFlags(l: LoopLoad): string[] {
  return ['--scenario', l.scenario, '--burst-size', String(l.burst), '--duration', String(l.durationS), '--timeout-s', String(l.timeoutS)];
}

/** Starts the stack at `sizing`, runs `capsim validate` against it, stops it; returns summary.json's path. */
export async function measure(sizing: LocalSizing, load: LoopLoad, machine: LoopMachine, outDir: string): Promise<string> {
  mkdirSync(outDir, { recursive: true });
  const stack = await startStack({
    servers: sizing.tasks,
    workers: sizing.workers,
    workerClass: sizing.workerClass,
    balancing: sizing.balancing,
    cpuSet: machine.serverCpuSet,
    nginxCpuSet: machine.serverCpuSet,
  });
  try {
    mustSucceed(
      `validate at ${sizingLabel(sizing)}`,
      await capsim(['validate', '--url', stack.url, ...loadFlags(load), ...sizingFlags(sizing, machine), '--diagnostics', 'local', '--out', outDir, '--json'], machine.generatorCpuSet),
    );
  } finally {
    await stack.stop();
  }
  return join(outDir, 'summary.json');
}

/** What the loop fits: the per-request CPU of the local machine (the rest of local-stack is measured or structural). */
export const LOOP_FIT = ['service.walkCpuPerFileMs', 'service.requestCpuMs'];

/** `capsim calibrate --calibration local-stack --run SUMMARY... --fit ... --out FILE` (extra flags appended). */
export async function calibrate(summaries: string[], outFile: string, extra: string[] = []): Promise<CliRun> {
  return mustSucceed(
    'calibrate',
    await capsim(['calibrate', ...summaries.flatMap((s) => ['--run', s]), '--calibration', 'local-stack', '--fit', LOOP_FIT.join(','), '--out', outFile, '--force', ...extra]),
  );
}

/** `capsim predict --json` at `sizing` for the loop's load; writes the JSON to `outFile`. */
export async function predictAt(
  sizing: LocalSizing,
  load: LoopLoad,
  machine: LoopMachine,
  calibration: string,
  outFile: string,
  options: { repositoryFrom: string; replications?: number },
): Promise<string> {
  // The index the runs measured (validate reads the real server's projects and sizes), not the scenario's.
  const repository = ['--repository-from', options.repositoryFrom];
  const replications = String(options.replications ?? 10);
  const run = mustSucceed(
    `predict at ${sizingLabel(sizing)}`,
    await capsim(['predict', ...sizingFlags(sizing, machine), ...loadFlags(load), ...repository, '--calibration', calibration, '--replications', replications, '--json']),
  );
  writeFileSync(outFile, run.stdout);
  return outFile;
}

/** The figures the accuracy table shows, from a comparison. */
export interface AccuracyRow {
  sizing: string;
  role: 'calibration' | 'held-out';
  predicted: { p50: number | null; p95: number | null; p99: number | null; errorRate: number };
  measured: { p50: number | null; p95: number | null; p99: number | null; errorRate: number };
  relativeError: { p50: number | null; p95: number | null; p99: number | null };
  /** predicted - measured error rate, percentage points. */
  errorRatePoints: number;
  /** Measured P95 of each run and the 95 % interval of their mean (several runs of one sizing), ms. */
  measuredP95Runs: number[];
  measuredP95Ci: { low: number; high: number } | null;
}

export function accuracyRow(sizing: LocalSizing, role: AccuracyRow['role'], c: Comparison): AccuracyRow {
  const get = (name: string) => c.metrics.find((m) => m.metric === name)!;
  const er = get('error rate');
  return {
    sizing: sizingLabel(sizing),
    role,
    predicted: { p50: get('P50').predicted, p95: get('P95').predicted, p99: get('P99').predicted, errorRate: er.predicted ?? 0 },
    measured: { p50: get('P50').measured, p95: get('P95').measured, p99: get('P99').measured, errorRate: er.measured ?? 0 },
    relativeError: { p50: get('P50').relativeError, p95: get('P95').relativeError, p99: get('P99').relativeError },
    errorRatePoints: er.difference ?? 0,
    measuredP95Runs: get('P95').measured === null ? [] : [get('P95').measured!],
    measuredP95Ci: null,
  };
}

export { compareFiles };


/**
 * One row from several measurements of one sizing: the measured figures are
 * averaged over the repeats (single bursts on this machine vary by about
 * +-25 % in P95 from run to run), and the errors are taken against that mean.
 */
export function averageRows(rows: AccuracyRow[]): AccuracyRow {
  const mean = (values: Array<number | null>): number | null => {
    const present = values.filter((v): v is number => v !== null && Number.isFinite(v));
    return present.length === 0 ? null : present.reduce((a, b) => a + b, 0) / present.length;
  };
  const first = rows[0];
  const measured = {
    p50: mean(rows.map((r) => r.measured.p50)),
    p95: mean(rows.map((r) => r.measured.p95)),
    p99: mean(rows.map((r) => r.measured.p99)),
    errorRate: mean(rows.map((r) => r.measured.errorRate)) ?? 0,
  };
  const rel = (p: number | null, m: number | null) => (p === null || m === null || m === 0 ? null : p / m - 1);
  const p95Runs = rows.flatMap((r) => r.measuredP95Runs);
  const p95Interval = confidenceInterval(p95Runs);
  return {
    sizing: first.sizing,
    role: first.role,
    predicted: first.predicted,
    measured,
    relativeError: { p50: rel(first.predicted.p50, measured.p50), p95: rel(first.predicted.p95, measured.p95), p99: rel(first.predicted.p99, measured.p99) },
    errorRatePoints: 100 * (first.predicted.errorRate - measured.errorRate),
    measuredP95Runs: p95Runs,
    measuredP95Ci: p95Runs.length > 1 ? { low: Math.max(0, p95Interval.ciLow), high: p95Interval.ciHigh } : null,
  };
}
