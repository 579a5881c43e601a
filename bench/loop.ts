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
import { loadCalibration } from '../src/calibrate/calibration-file.js';
import { withOverrides } from '../src/model/parameters.js';
import { predict } from '../src/model/predict.js';
import { resolveSizing } from '../src/model/sizing.js';
import { applyOverrides, loadScenario } from '../src/scenario/load.js';

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

/** `capsim calibrate --run SUMMARY... --out FILE` (extra flags appended). */
export async function calibrate(summaries: string[], outFile: string, extra: string[] = []): Promise<CliRun> {
  return mustSucceed('calibrate', await capsim(['calibrate', ...summaries.flatMap((s) => ['--run', s]), '--out', outFile, ...extra]));
}

/** `capsim predict --json` at `sizing` for the loop's load; writes the JSON to `outFile`. */
export async function predictAt(sizing: LocalSizing, load: LoopLoad, machine: LoopMachine, calibration: string, outFile: string, replications = 10): Promise<string> {
  const run = mustSucceed(
    `predict at ${sizingLabel(sizing)}`,
    await capsim(['predict', ...sizingFlags(sizing, machine), ...loadFlags(load), '--calibration', calibration, '--replications', String(replications), '--json']),
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
  };
}

export { compareFiles };

/**
 * Stand-in for `capsim calibrate` while that command is not on this branch:
 * one factor k scales the per-request CPU (service.requestCpuMs and
 * service.walkCpuPerFileMs) of the starting calibration; k is found by
 * bisection (P95 grows with k) so the predicted P95 of the calibration run
 * matches the measured one. Writes a calibration file (stackKind local) that
 * records the run it was fitted on.
 */
export function fitCpuScale(summaryPath: string, sizing: LocalSizing, load: LoopLoad, machine: LoopMachine, base: string, outFile: string): { k: number; file: string } {
  const summary = JSON.parse(readFileSync(summaryPath, 'utf8')) as { latency_p95: number; error_rate: number; latency_median: number };
  const start = loadCalibration(base);
  const scenario = applyOverrides(loadScenario(load.scenario), { burstSize: load.burst, durationSeconds: load.durationS, timeoutSeconds: load.timeoutS });
  const resolved = resolveSizing({ instance: 'custom', vcpus: machine.vcpus, memoryGiB: machine.memoryGiB, tasks: sizing.tasks, workers: sizing.workers, workerClass: sizing.workerClass, algorithm: sizing.balancing });
  const scaled = (k: number) => ({
    'service.requestCpuMs': round(start.params['service.requestCpuMs'] * k),
    'service.walkCpuPerFileMs': round(start.params['service.walkCpuPerFileMs'] * k),
  });
  const p95At = (k: number) =>
    predict({ sizing: resolved, scenario, params: withOverrides(start.params, scaled(k), 'fit'), calibration: 'fit', replications: 5, seed: 1 }).latencyMs.p95.mean;
  let lo = Math.log(0.1);
  let hi = Math.log(10);
  for (let i = 0; i < 24; i++) {
    const mid = (lo + hi) / 2;
    if (p95At(Math.exp(mid)) < summary.latency_p95) lo = mid;
    else hi = mid;
  }
  const k = Math.exp((lo + hi) / 2);
  const file = {
    name: `local-fit-${sizing.tasks}x${sizing.workers}-${sizing.workerClass}-${sizing.balancing}`,
    stackKind: 'local',
    description: `CPU scale of ${start.file.name} fitted to one burst on the local stack at ${sizingLabel(sizing)} (bench/loop.ts fitCpuScale)`,
    parameters: { ...start.file.parameters, ...scaled(k) },
    fitted: ['service.requestCpuMs', 'service.walkCpuPerFileMs'],
    runs: [{ file: summaryPath, sizing: { instance: 'custom', vcpus: machine.vcpus, memoryGiB: machine.memoryGiB, ...sizing }, load, measured: { p50: summary.latency_median, p95: summary.latency_p95, errorRate: summary.error_rate } }],
    loss: null,
    fit: [{ scale: k, predictedP95: p95At(k), measuredP95: summary.latency_p95 }],
    notes: [`one factor ${k.toFixed(3)} on the per-request CPU of ${start.file.name}, bisection on P95`],
  };
  writeFileSync(outFile, `${JSON.stringify(file, null, 2)}\n`);
  return { k, file: outFile };
}

function round(x: number): number {
  return Number(x.toPrecision(5));
}
