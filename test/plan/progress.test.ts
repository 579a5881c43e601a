import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { formatDuration, ProgressBar, renderProgress } from '../../src/plan/progress.js';

const at = (done: number, etaMs: number) => ({ candidates: 240, candidatesDone: done, dropped: 31, replicationsRun: 700, elapsedMs: 1000, etaMs });

describe('plan progress', () => {
  it('shows candidates done, drops, replications and time left', () => {
    expect(renderProgress(at(120, 65_000), 10)).toBe('[#####-----] 120/240 candidates, 31 dropped early, 700 replications, 1m05s left');
    expect(renderProgress(at(240, 0), 10)).toMatch(/^\[##########\] 240\/240 .*, done$/);
    expect(formatDuration(NaN)).toBe('?');
    expect(formatDuration(59_400)).toBe('59s');
    expect(formatDuration(3_725_000)).toBe('1h02m');
  });

  it('redraws in place, at most every interval, and clears the line at the end', () => {
    const stream = new PassThrough();
    let text = '';
    stream.on('data', (chunk) => (text += chunk));
    const bar = new ProgressBar(stream, 10, 60_000);
    bar.update(at(1, 1000));
    bar.update(at(2, 1000)); // within the interval: skipped
    bar.update(at(240, 0)); // the last one always shows
    bar.finish();
    const draws = text.split('\r').filter((s) => s !== '');
    expect(draws).toHaveLength(3);
    expect(draws[0]).toMatch(/^\[-+\] 1\/240/);
    expect(draws[1]).toMatch(/240\/240/);
    expect(draws[2]).toBe('\u001b[K');
  });
});
