import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { accuracyRow, averageRows, calibrate, capsim, compareFiles, defaultMachine, type LocalSizing, type LoopLoad, measure, predictAt } from '../../bench/loop.js';

/**
 * The reduced calibrate-then-predict loop on the real local stack (the full matrix is `npm run accuracy`):
 * bursts at 1 task x 2 sync workers are measured and calibrated on; the model then predicts 1 task x 4
 * sync workers for the same load, which is measured and compared. Servers on core 0, generator on core 1.
 * Each sizing is measured twice, interleaved (A B A B), and compared on the means: this machine's cores
 * change speed from second to second, and one burst's P95 varies by about +-15 % between runs.
 */
describe('calibrate on one live run, predict another sizing (local stack)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'capsim-loop-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const machine = defaultMachine();
  const load: LoopLoad = { scenario: 'local-burst', burst: 200, durationS: 15, timeoutS: 15 };
  const calibSizing: LocalSizing = { tasks: 1, workers: 2, workerClass: 'sync', balancing: 'round_robin' };
  const heldOut: LocalSizing = { tasks: 1, workers: 4, workerClass: 'sync', balancing: 'round_robin' };

  it('predicts the held-out sizing: P95 within 35 %, error rate within 3 points', async () => {
    const calibSummaries: string[] = [];
    const heldOutSummaries: string[] = [];
    for (const round of [1, 2]) {
      calibSummaries.push(await measure(calibSizing, load, machine, join(dir, `a-${round}`)));
      heldOutSummaries.push(await measure(heldOut, load, machine, join(dir, `b-${round}`)));
    }
    const calibration = join(dir, 'calibration.json');
    await calibrate(calibSummaries, calibration, ['--replications', '3']);
    const file = JSON.parse(readFileSync(calibration, 'utf8'));
    expect(file.stackKind).toBe('local');
    for (const summary of calibSummaries) expect(JSON.stringify(file.runs)).toContain(summary);

    const prediction = await predictAt(heldOut, load, machine, calibration, join(dir, 'b-prediction.json'), { repositoryFrom: heldOutSummaries[0], replications: 5 });
    const row = averageRows(heldOutSummaries.map((measured) => accuracyRow(heldOut, 'held-out', compareFiles(prediction, measured))));
    console.log(
      `loop: fitted ${JSON.stringify(Object.fromEntries(Object.entries(file.parameters).filter(([k]) => file.fitted.includes(k))))}; ` +
        `held-out ${row.sizing}: predicted P95 ${row.predicted.p95?.toFixed(0)} ms, measured ${row.measuredP95Runs.map((v) => v.toFixed(0)).join(' / ')} ms ` +
        `(mean ${row.measured.p95?.toFixed(0)}), P95 error ${(100 * (row.relativeError.p95 as number)).toFixed(1)} %, error rate ${(100 * row.predicted.errorRate).toFixed(2)} % predicted vs ${(100 * row.measured.errorRate).toFixed(2)} % measured`,
    );
    expect(row.measuredP95Runs).toHaveLength(2);
    expect(row.measured.p95).toBeGreaterThan(0);
    expect(Math.abs(row.relativeError.p95 as number)).toBeLessThan(0.35);
    expect(Math.abs(row.errorRatePoints)).toBeLessThan(3);

    // `capsim compare` prints the comparison for one held-out run.
    const printed = await capsim(['compare', prediction, heldOutSummaries[0]]);
    expect(printed.code, printed.stderr).toBe(0);
    // The P95 row: unit, predicted, measured, relative error (the compared run's own measurement).
    expect(printed.stdout).toMatch(/^P95 +ms +[\d,.]+ +[\d,.]+ +[+-]?\d+\.\d /m);
  }, 300_000);
});
