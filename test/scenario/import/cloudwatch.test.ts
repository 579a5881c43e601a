import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startOffsetsMs } from '../../../src/scenario/schedule.js';
import { readRequestCounts, stagesFor } from '../../../src/scenario/import/cloudwatch.js';
import { runCloudWatchImport } from '../../../src/scenario/import/run-import.js';
import { loadScenario } from '../../../src/scenario/load.js';
import type { RampingArrivalRateProfile } from '../../../src/scenario/types.js';
import { params, run } from '../../model/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'capsim-cloudwatch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const file = (text: string) => {
  const path = join(dir, `export-${n++}.csv`);
  writeFileSync(path, text);
  return path;
};

/** Installs started in each period, by the schedule the model and the live generator share; and the start times, s. */
function perPeriod(profile: RampingArrivalRateProfile, periodSeconds: number, periods: number): { counts: number[]; offsets: number[] } {
  const offsets = startOffsetsMs(profile).map((ms) => ms / 1000);
  const counts = Array.from({ length: periods }, (_, k) => offsets.filter((s) => s >= k * periodSeconds && s < (k + 1) * periodSeconds).length);
  return { counts, offsets };
}

describe('CloudWatch RequestCount import', () => {
  it('reads the export formats: header or none, quoted, ; or tab, ISO or epoch times, rows in any order, missing periods', () => {
    const variants: Array<[string, number[], number]> = [
      ['Timestamp,RequestCount\n2025-06-03T10:28:00Z,300\n2025-06-03T10:30:00Z,600\n2025-06-03T10:29:00Z,0\n', [300, 0, 600], 0],
      ['"Label","Sum"\n"2025-06-03 10:28:00",300.0\n"2025-06-03 10:30:00",600.0\n"2025-06-03 10:31:00",0\n', [300, 0, 600, 0], 1],
      ['time;value\n2025-06-03 10:28;300\n2025-06-03 10:29;0\n2025-06-03 10:30;600\n', [300, 0, 600], 0],
      ['1748946480\t300\n1748946540\t0\n1748946600\t600\n', [300, 0, 600], 0],
      ['\uFEFF# exported by hand\n2025-06-03T12:28:00+02:00,300\n2025-06-03T12:29:00+02:00,\n2025-06-03T12:30:00+02:00,600\n', [300, 0, 600], 0],
    ];
    for (const [text, requests, missing] of variants) {
      const s = readRequestCounts(file(text));
      expect(s.startMs).toBe(Date.UTC(2025, 5, 3, 10, 28));
      expect(s.periodSeconds).toBe(60);
      expect(s.requests).toEqual(requests);
      expect(s.missingPeriods).toBe(missing);
    }
    expect(readRequestCounts(file(variants[1][0])).valueColumn).toBe('Sum');
  });

  it('starts each period\'s installs at its start (burst) or evenly over it (uniform)', () => {
    const series = readRequestCounts(file('t,RequestCount\n2025-06-03T10:28:00Z,300\n2025-06-03T10:29:00Z,0\n2025-06-03T10:30:00Z,600\n'));
    const burst: RampingArrivalRateProfile = { executor: 'ramping-arrival-rate', startInstallsPerSecond: 0, stages: stagesFor(series, 3, 'burst', 2) };
    const b = perPeriod(burst, 60, 3);
    expect(b.counts).toEqual([100, 0, 200]);
    expect(b.offsets.every((s) => s % 60 < 2)).toBe(true);
    const uniform: RampingArrivalRateProfile = { executor: 'ramping-arrival-rate', startInstallsPerSecond: 0, stages: stagesFor(series, 3, 'uniform', 2) };
    const u = perPeriod(uniform, 60, 3);
    expect(u.counts).toEqual([100, 0, 200]);
    expect(u.offsets.slice(0, 3).map((s) => Math.round(s * 1000))).toEqual([0, 600, 1200]);
    // A rate that holds over neighbouring periods is one stage.
    expect(stagesFor(readRequestCounts(file('1748946480,60\n1748946540,60\n1748946600,60\n')), 3, 'uniform', 1)).toEqual([
      { durationSeconds: 0, targetInstallsPerSecond: 1 / 3 },
      { durationSeconds: 180, targetInstallsPerSecond: 1 / 3 },
    ]);
  });

  it('writes a ramping-arrival-rate scenario that predict runs, with its provenance', () => {
    const csv = file('Timestamp,RequestCount\n2025-06-03T10:28:00Z,30\n2025-06-03T10:29:00Z,90\n');
    const out = join(dir, 'from-cloudwatch.json');
    const outcome = runCloudWatchImport({ path: csv, flow: 'pip-simple-index', within: 'burst', burstSeconds: 1, repository: { projects: 20 }, out, force: false, command: 'capsim scenario import --cloudwatch ...' });
    expect(outcome.summary).toMatchObject({ periodSeconds: 60, periods: 2, requests: 120, requestsPerInstall: 2, installs: 60, peak: { start: '2025-06-03T10:29:00.000Z', requests: 90 } });
    const scenario = loadScenario(out);
    expect(scenario.flow).toBe('pip-simple-index');
    expect(scenario.client).toEqual(loadScenario('pip-burst').client);
    expect(scenario.repository.projects).toBe(20);
    const provenance = JSON.parse(readFileSync(out, 'utf8')).provenance;
    expect(provenance).toMatchObject({ source: 'cloudwatch-request-count', paths: [csv], periodSeconds: 60, withinPeriod: 'burst', timeRange: { from: '2025-06-03T10:28:00.000Z', to: '2025-06-03T10:30:00.000Z' } });
    expect(provenance.sha256).toMatch(/^[0-9a-f]{64}$/);
    const p = run({ instance: 'c6a.large', tasks: 2, workers: 2 }, scenario, params(), 1);
    expect(p.operations.mean).toBe(60 * 2);
  });

  for (const [label, text, message] of [
    ['an empty file', '\n\n', /is empty/],
    ['rows without times', 'a,b\nx,1\n', /line 2: no time/],
    ['a count that is not one', 't,v\n2025-06-03T10:28:00Z,12\n2025-06-03T10:29:00Z,-3\n', /line 3: "-3" is not a request count/],
    ['two rows for one time', '2025-06-03T10:28:00Z,1\n2025-06-03T10:28:00Z,2\n', /lines 1 and 2 both count 2025-06-03T10:28:00.000Z/],
    ['irregular times', '2025-06-03T10:28:00Z,1\n2025-06-03T10:29:00Z,2\n2025-06-03T10:30:30Z,2\n', /line 3: .* is not a whole number of 60-s periods/],
  ] as Array<[string, string, RegExp]>) {
    it(`refuses ${label} in one line`, () => {
      expect(() => readRequestCounts(file(text))).toThrow(message);
    });
  }
});
