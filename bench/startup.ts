/**
 * Start-up of the CLI: wall time of `capsim --help` and of `capsim compare`
 * on a small prediction and run, for this checkout ("after") and for a
 * reference checkout ("before", by default the commit before issue 16: no
 * command manifest, mathjs on every command's import path), in one process,
 * runs interleaved so a busy machine slows both alike. Printed as medians and
 * as ratios after / before, each also over bare `node -e 0` (the floor).
 *
 * `npm run bench -- --only startup` builds the reference once into
 * $TMPDIR/capsim-startup-<ref>/ (git archive, npm ci, tsc); CAPSIM_STARTUP_BEFORE=DIR
 * names a built checkout instead, CAPSIM_STARTUP_REF another commit.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../src/package-root.js';

export const STARTUP_REFERENCE_COMMIT = '6035142';
const ROUNDS = 7;

export interface StartupBench {
  before: string;
  rounds: number;
  /** Medians, ms. */
  bareNodeMs: number;
  helpBeforeMs: number;
  helpAfterMs: number;
  compareBeforeMs: number;
  compareAfterMs: number;
  versionAfterMs: number;
  /** after / before. */
  helpRatio: number;
  compareRatio: number;
  /** after / bare node. */
  helpOverBareNode: number;
  compareOverBareNode: number;
}

function beforeCheckout(): string {
  const given = process.env.CAPSIM_STARTUP_BEFORE;
  if (given) return given;
  const ref = process.env.CAPSIM_STARTUP_REF ?? STARTUP_REFERENCE_COMMIT;
  const dir = join(tmpdir(), `capsim-startup-${ref}`);
  if (existsSync(join(dir, 'dist', 'src', 'commands'))) return dir;
  process.stderr.write(`building the reference checkout ${ref} in ${dir} (once)...\n`);
  mkdirSync(dir, { recursive: true });
  const archive = execFileSync('git', ['-C', packageRoot(), 'archive', ref], { maxBuffer: 1 << 30 });
  execFileSync('tar', ['-x', '-C', dir], { input: archive });
  execFileSync('npm', ['ci', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: dir, stdio: 'ignore' });
  execFileSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: dir, stdio: 'ignore' });
  return dir;
}

function wallMs(command: string, args: string[], cwd: string): number {
  const started = performance.now();
  const r = spawnSync(command, args, { cwd, encoding: 'utf8' });
  const ms = performance.now() - started;
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** A prediction (local stack, 2 replications) and a run summary it describes. */
function compareInputs(after: string): { prediction: string; summary: string } {
  const dir = mkdtempSync(join(tmpdir(), 'capsim-startup-inputs-'));
  const predicted = execFileSync(process.execPath, [join(after, 'bin', 'run.js'), 'predict', '--instance', 'custom', '--vcpus', '1', '--memory-gb', '4', '--tasks', '1', '--workers', '2', '--worker-class', 'sync', '--scenario', 'local-burst', '--burst-size', '50', '--duration', '15', '--replications', '2', '--json'], { encoding: 'utf8' });
  const p = JSON.parse(predicted) as { latencyMs: { p50: { mean: number }; p95: { mean: number } } };
  const prediction = join(dir, 'prediction.json');
  const summary = join(dir, 'summary.json');
  writeFileSync(prediction, predicted);
  writeFileSync(summary, JSON.stringify({ profile: 'local-burst', total_requests: 100, successful_requests: 100, failed_requests: 0, error_rate: 0, duration_seconds: 10, latency_median: p.latencyMs.p50.mean, latency_p95: p.latencyMs.p95.mean, latency_p99: null, operations: {}, interrupted: false }));
  return { prediction, summary };
}

export function benchStartup(): StartupBench {
  const after = packageRoot();
  const before = beforeCheckout();
  const { prediction, summary } = compareInputs(after);
  const cli = (root: string, args: string[]) => () => wallMs(process.execPath, [join(root, 'bin', 'run.js'), ...args], root);
  const cases = {
    bare: () => wallMs(process.execPath, ['-e', '0'], after),
    helpBefore: cli(before, ['--help']),
    helpAfter: cli(after, ['--help']),
    compareBefore: cli(before, ['compare', prediction, summary, '--force']),
    compareAfter: cli(after, ['compare', prediction, summary, '--force']),
    versionAfter: cli(after, ['--version']),
  };
  const times: Record<keyof typeof cases, number[]> = { bare: [], helpBefore: [], helpAfter: [], compareBefore: [], compareAfter: [], versionAfter: [] };
  for (const run of Object.values(cases)) run(); // warm the file cache
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, run] of Object.entries(cases)) times[name as keyof typeof cases].push(run());
  }
  const m = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)])) as Record<keyof typeof cases, number>;
  const round3 = (x: number) => Math.round(x * 1000) / 1000;
  return {
    before,
    rounds: ROUNDS,
    bareNodeMs: Math.round(m.bare),
    helpBeforeMs: Math.round(m.helpBefore),
    helpAfterMs: Math.round(m.helpAfter),
    compareBeforeMs: Math.round(m.compareBefore),
    compareAfterMs: Math.round(m.compareAfter),
    versionAfterMs: Math.round(m.versionAfter),
    helpRatio: round3(m.helpAfter / m.helpBefore),
    compareRatio: round3(m.compareAfter / m.compareBefore),
    helpOverBareNode: round3(m.helpAfter / m.bare),
    compareOverBareNode: round3(m.compareAfter / m.bare),
  };
}
