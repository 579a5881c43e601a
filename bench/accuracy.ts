/**
 * `npm run accuracy [-- --burst 500 --repeats 5 --out runs/accuracy --json --reuse --calibration FILE]`: the calibrate-then-predict loop
 * over a small matrix of the real local stack (bench/loop.ts). Servers (gunicorn and nginx) are pinned to
 * core 0, the generator (capsim validate) to core 1; the model sees a custom 1-vCPU machine. One sizing is
 * measured and calibrated on; every other sizing is predicted from that calibration for exactly the load
 * its run applied, then measured, and compared. Prints a table (predicted vs measured P50/P95/P99 and error
 * rate, relative errors) and writes OUT/accuracy.json. Targets: P95 within 25 %, error rate within 2 points
 * on every held-out sizing. Not a test: it prints figures.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { renderTable } from '../src/report/table.js';
import {
  accuracyRow,
  averageRows,
  type AccuracyRow,
  calibrate,
  compareFiles,
  defaultMachine,
  LOOP_FIT,
  type LocalSizing,
  type LoopLoad,
  measure,
  predictAt,
  repoRoot,
  sizingLabel,
} from './loop.js';

/** Calibration sizing first; the held-out ones vary workers per task, worker class, task count and balancing. */
export const MATRIX: LocalSizing[] = [
  { tasks: 1, workers: 2, workerClass: 'sync', balancing: 'round_robin' },
  { tasks: 1, workers: 1, workerClass: 'sync', balancing: 'round_robin' },
  { tasks: 1, workers: 4, workerClass: 'sync', balancing: 'round_robin' },
  { tasks: 1, workers: 2, workerClass: 'gevent', balancing: 'round_robin' },
  { tasks: 2, workers: 2, workerClass: 'sync', balancing: 'least_conn' },
  { tasks: 4, workers: 1, workerClass: 'sync', balancing: 'round_robin' },
  { tasks: 4, workers: 1, workerClass: 'gevent', balancing: 'least_conn' },
];

function argValue(args: string[], name: string, fallback: string): string {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
}

const pct = (x: number | null) => (x === null ? '-' : `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)} %`);
const ms = (x: number | null) => (x === null ? '-' : String(Math.round(x)));

export function renderAccuracy(rows: AccuracyRow[]): string {
  return renderTable(
    ['sizing', 'role', 'P50 pred/meas', 'P95 pred/meas', 'P95 meas 95 % CI', 'P99 pred/meas', 'err % pred/meas', 'P50 err', 'P95 err', 'P99 err', 'err pts'],
    rows.map((r) => [
      r.sizing,
      r.role,
      `${ms(r.predicted.p50)}/${ms(r.measured.p50)}`,
      `${ms(r.predicted.p95)}/${ms(r.measured.p95)}`,
      r.measuredP95Ci === null ? '-' : `${ms(r.measuredP95Ci.low)}-${ms(r.measuredP95Ci.high)}`,
      `${ms(r.predicted.p99)}/${ms(r.measured.p99)}`,
      `${(100 * r.predicted.errorRate).toFixed(2)}/${(100 * r.measured.errorRate).toFixed(2)}`,
      pct(r.relativeError.p50),
      pct(r.relativeError.p95),
      pct(r.relativeError.p99),
      `${r.errorRatePoints >= 0 ? '+' : ''}${r.errorRatePoints.toFixed(2)}`,
    ]),
    [false, false, true, true, true, true, true, true, true, true, true],
  );
}

/** A run already measured, checked to have applied `load` (--reuse must not judge a model on another load's runs). */
function reusableSummary(file: string, load: LoopLoad): string {
  if (!existsSync(file)) throw new Error(`--reuse: ${file} does not exist (measure with the same --out, --repeats and load first)`);
  const s = JSON.parse(readFileSync(file, 'utf8')) as { scenario?: { name?: string; profile?: { burstInstalls?: number; durationSeconds?: number }; client?: { timeoutSeconds?: number } } };
  const applied = { scenario: s.scenario?.name, burst: s.scenario?.profile?.burstInstalls, durationS: s.scenario?.profile?.durationSeconds, timeoutS: s.scenario?.client?.timeoutSeconds };
  for (const key of Object.keys(applied) as Array<keyof typeof applied>) {
    if (applied[key] !== load[key]) throw new Error(`--reuse: ${file} applied ${key} ${String(applied[key])}, not ${String(load[key])}`);
  }
  return file;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const load: LoopLoad = {
    scenario: argValue(args, '--scenario', 'local-burst'),
    burst: Number(argValue(args, '--burst', '500')),
    durationS: Number(argValue(args, '--duration', '15')),
    timeoutS: Number(argValue(args, '--timeout-s', '15')),
  };
  const out = resolve(argValue(args, '--out', join(repoRoot, 'runs', 'accuracy')));
  const only = Number(argValue(args, '--sizings', String(MATRIX.length)));
  const json = args.includes('--json');
  mkdirSync(out, { recursive: true });
  const machine = defaultMachine();
  const matrix = MATRIX.slice(0, Math.max(2, only));
  const log = (line: string) => process.stderr.write(`${line}\n`);

  const repeats = Math.max(1, Number(argValue(args, '--repeats', '5')));
  const calibSizing = matrix[0];
  const dirOf = (s: LocalSizing) => join(out, sizingLabel(s).replace(/ /g, '-'));
  // Every sizing is measured `repeats` times, the rounds interleaved so that drift of the machine
  // spreads over all sizings: this machine's cores change speed by +-25 % from second to second
  // (a fixed CPU loop), so one burst's P95 varies by about +-15 % from run to run.
  // --reuse: judge a changed model against the runs already measured in OUT (same load), measuring nothing.
  const reuse = args.includes('--reuse');
  const summaries: string[][] = matrix.map(() => []);
  for (let round = 0; round < repeats; round++) {
    for (const [i, sizing] of matrix.entries()) {
      const dir = join(dirOf(sizing), `run-${round + 1}`);
      if (reuse) {
        summaries[i].push(reusableSummary(join(dir, 'summary.json'), load));
        continue;
      }
      summaries[i].push(await measure(sizing, load, machine, dir));
      log(`measured ${sizingLabel(sizing)} (round ${round + 1}/${repeats})`);
    }
  }
  // --calibration FILE: predict from a calibration made elsewhere (say, on runs of another load) instead of fitting here.
  const given = argValue(args, '--calibration', '');
  const fitHere = given === '';
  const calibrationFile = fitHere ? join(out, 'calibration.json') : resolve(given);
  if (fitHere) await calibrate(summaries[0], calibrationFile);
  const method = fitHere ? `capsim calibrate --calibration local-stack --fit ${LOOP_FIT.join(',')} (${repeats} runs)` : `given: ${calibrationFile}`;
  log(`calibration: ${method} -> ${calibrationFile}`);

  const rows: AccuracyRow[] = [];
  for (const [i, sizing] of matrix.entries()) {
    const prediction = await predictAt(sizing, load, machine, calibrationFile, join(dirOf(sizing), 'prediction.json'), { repositoryFrom: summaries[i][0] });
    const role = i === 0 && fitHere ? 'calibration' : 'held-out';
    rows.push(averageRows(summaries[i].map((summary) => accuracyRow(sizing, role, compareFiles(prediction, summary)))));
  }
  const heldOut = rows.filter((r) => r.role === 'held-out');
  const p95Ok = heldOut.filter((r) => r.relativeError.p95 !== null && Math.abs(r.relativeError.p95) <= 0.25).length;
  const errOk = heldOut.filter((r) => Math.abs(r.errorRatePoints) <= 2).length;
  const result = { load, machine, repeats, calibration: { sizing: fitHere ? sizingLabel(calibSizing) : null, method, file: calibrationFile }, rows, targets: { p95Within25Pct: `${p95Ok}/${heldOut.length}`, errorWithin2Points: `${errOk}/${heldOut.length}` } };
  writeFileSync(join(out, 'accuracy.json'), `${JSON.stringify(result, null, 2)}\n`);
  if (json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else {
    process.stdout.write(`load: ${load.scenario}, burst ${load.burst}, duration ${load.durationS} s, timeout ${load.timeoutS} s; servers on core ${machine.serverCpuSet}, generator on core ${machine.generatorCpuSet}; measured figures are means of ${repeats} runs\n`);
    process.stdout.write(`calibration: ${fitHere ? `${method} on ${sizingLabel(calibSizing)}` : method}\n\n${renderAccuracy(rows)}\n\n`);
    process.stdout.write(`held-out sizings with P95 within 25 %: ${p95Ok}/${heldOut.length}; error rate within 2 points: ${errOk}/${heldOut.length}\n`);
  }
}

if (process.argv[1] && /accuracy\.js$/.test(process.argv[1])) {
  main().catch((error: unknown) => {
    process.stderr.write(`accuracy: ${(error as Error).message}\n`);
    process.exitCode = 1;
  });
}
