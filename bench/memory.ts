/**
 * Peak memory of the commands whose work grows with a flag: `verify` and `predict` over the replication
 * count (replications stream into their aggregates, so memory should not follow the count) and `plan`
 * over --threads (each thread is an isolate; the count is capped at the machine's cores). Each command
 * runs as a user runs it (`node bin/run.js`, compiled), alone, with its peak resident set size taken by
 * the process itself at exit (bench/peak-rss-at-exit.ts); figures are MiB and ratios against the small
 * run of the same command in this bench, never pass/fail.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const preload = pathToFileURL(path.join(here, 'peak-rss-at-exit.js')).href;

export interface PeakMemory {
  command: string;
  peakMiB: number;
  wallSeconds: number;
}

/** Runs one capsim command to its end; its peak RSS and wall time. */
function measure(args: string[]): PeakMemory {
  const dir = mkdtempSync(path.join(tmpdir(), 'capsim-bench-memory-'));
  const file = path.join(dir, 'peak-rss');
  try {
    const started = performance.now();
    const run = spawnSync(process.execPath, ['--import', preload, path.join(repo, 'bin', 'run.js'), ...args], {
      cwd: dir,
      env: { ...process.env, CAPSIM_PEAK_RSS_FILE: file },
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    const wallSeconds = Number(((performance.now() - started) / 1000).toFixed(1));
    if (run.status !== 0) throw new Error(`capsim ${args.join(' ')} exited ${run.status}: ${run.stderr.trim().split('\n')[0]}`);
    const kib = Number(readFileSync(file, 'utf8'));
    return { command: `capsim ${args.join(' ')}`, peakMiB: Number((kib / 1024).toFixed(1)), wallSeconds };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface MemoryBench {
  loadAverage1m: number;
  cores: number;
  verify: { small: PeakMemory; large: PeakMemory; ratio: number };
  predict: { small: PeakMemory; large: PeakMemory; ratio: number };
  plan: { twoThreads: PeakMemory; manyThreads: PeakMemory; ratio: number };
}

export interface MemoryBenchOptions {
  verifyReplications?: [number, number];
  predictReplications?: [number, number];
  planThreads?: [number, number];
}

const ratio = (a: PeakMemory, b: PeakMemory) => Number((b.peakMiB / a.peakMiB).toFixed(2));

/** A plan small enough to run twice: one instance type, up to 2 instances, 2 workers, a short incident. */
const PLAN = ['plan', '--slo-error-rate', '10%', '--slo-p95-ms', '60000', '--instance', 'c6a.large', '--max-instances', '2', '--workers', '2', '--duration', '130', '--replications', '3'];

export function benchMemory(options: MemoryBenchOptions = {}): MemoryBench {
  const [verifySmall, verifyLarge] = options.verifyReplications ?? [50, 1000];
  const [predictSmall, predictLarge] = options.predictReplications ?? [20, 200];
  const [threadsFew, threadsMany] = options.planThreads ?? [2, 64];
  const loadAverage1m = Number(loadavg()[0].toFixed(2));
  const pair = (small: PeakMemory, large: PeakMemory) => ({ small, large, ratio: ratio(small, large) });
  const verify = pair(measure(['verify', '--replications', String(verifySmall)]), measure(['verify', '--replications', String(verifyLarge)]));
  const predict = pair(measure(['predict', '--replications', String(predictSmall)]), measure(['predict', '--replications', String(predictLarge)]));
  const twoThreads = measure([...PLAN, '--threads', String(threadsFew)]);
  const manyThreads = measure([...PLAN, '--threads', String(threadsMany)]);
  return { loadAverage1m, cores: availableParallelism(), verify, predict, plan: { twoThreads, manyThreads, ratio: ratio(twoThreads, manyThreads) } };
}
