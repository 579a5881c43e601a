import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load.js';
import { type OpenLoopProfile, startOffsetsMs } from '../../src/scenario/schedule.js';
import { repoRoot } from '../cli/run-cli.js';

describe('the scenarios that show autoscaling', () => {
  it('ci-day: the offsets file is what its recipe writes, a working day of 141,891 installs', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'capsim-ci-day-')), 'ci-day.offsets');
    execFileSync(process.execPath, [join(repoRoot, 'scenarios', 'ci-day.mjs'), '--out', out]);
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(join(repoRoot, 'scenarios', 'ci-day.offsets'), 'utf8'));
    const starts = startOffsetsMs(loadScenario('ci-day').profile as OpenLoopProfile);
    expect(starts).toHaveLength(141_891);
    expect(starts[starts.length - 1]).toBeLessThan(8 * 3_600_000);
    // The busy periods (09:30-10:00, 14:00-14:30) carry a 2,000-install burst every minute: 33 a second on average.
    const inWindow = (fromH: number, toH: number) => starts.filter((t) => t >= fromH * 3_600_000 && t < toH * 3_600_000).length;
    expect(inWindow(1.5, 2) / 1800).toBeGreaterThan(33);
    expect(inWindow(6, 6.5) / 1800).toBeGreaterThan(33);
    // A quiet hour: a 200-install burst every 10 minutes and single installs, under 1 a second.
    expect(inWindow(3, 4) / 3600).toBeLessThan(1);
  });

  it('sustained-growth: 2 -> 50 installs a second over 30 minutes, held 20, down over 10, 30 at 2', () => {
    const starts = startOffsetsMs(loadScenario('sustained-growth').profile as OpenLoopProfile);
    // The integral of the rate: 30 min x 26 + 20 x 50 + 10 x 26 + 30 x 2 installs a second-minute.
    expect(starts.length).toBe(Math.round(60 * (30 * 26 + 20 * 50 + 10 * 26 + 30 * 2)));
    expect(starts[starts.length - 1]).toBeLessThan(90 * 60_000);
  });
});
