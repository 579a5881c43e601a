import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { formatDuration, progressText, startProgress } from '../../src/cli/progress.js';
import { describeProgress } from '../../src/calibrate/progress.js';
import { planProgressDetail } from '../../src/plan/progress.js';

function sink(tty: boolean): { stream: NodeJS.WriteStream; text: () => string } {
  const stream = new PassThrough() as unknown as NodeJS.WriteStream & { isTTY: boolean; columns: number };
  let text = '';
  (stream as unknown as PassThrough).on('data', (chunk) => (text += String(chunk)));
  stream.isTTY = tty;
  stream.columns = 60;
  return { stream, text: () => text };
}

describe('the progress module', () => {
  it('words: plan candidates and time left, a fit evaluation, durations', () => {
    const at = (done: number, etaMs: number) => ({ candidates: 240, candidatesDone: done, dropped: 31, replicationsRun: 700, elapsedMs: 1000, etaMs });
    expect(progressText('plan', 120, 240, planProgressDetail(at(120, 65_000)))).toBe('plan [##########----------] 120/240 candidates, 31 dropped early, 700 replications, 1m05s left');
    expect(planProgressDetail(at(240, 0))).toMatch(/, done$/);
    expect(describeProgress({ phase: 'fit', evaluation: 1, maxEvaluations: 50, loss: 0.5, bestLoss: 0.25, best: { 'service.walkCpuPerFileMs': 0.123456 } })).toBe(
      'calibrate fit: evaluation 1/50, loss 0.5 (best 0.25) service.walkCpuPerFileMs=0.1235',
    );
    expect(formatDuration(NaN)).toBe('?');
    expect(formatDuration(59_400)).toBe('59s');
    expect(formatDuration(3_725_000)).toBe('1h02m');
  });

  it('into a pipe: a line at the start, at each new phase, at the end, and none in between within the interval', () => {
    const out = sink(false);
    const p = startProgress({ label: 'verify', enabled: true, stream: out.stream, pipeLineSeconds: 3600 });
    for (let done = 1; done <= 10; done++) p.update(done, 10, 'simulations');
    for (let done = 1; done <= 3; done++) p.update(done, 0, `phase two ${done}`);
    p.message('a note');
    p.stop();
    expect(out.text().split('\n')).toEqual([
      'verify [##------------------] 1/10 simulations',
      'verify [####################] 10/10 simulations',
      'verify phase two 1',
      'a note',
      'verify phase two 3',
      '',
    ]);
  });

  it('on a terminal: one line redrawn in place (line wrapping off: it never spills), nothing when disabled', () => {
    const out = sink(true);
    const p = startProgress({ label: 'predict', enabled: true, stream: out.stream });
    p.update(1, 4, 'replications');
    p.update(4, 4, 'replications');
    p.stop();
    const text = out.text();
    expect(text).toContain('predict [--------------------] 0/4 replications');
    expect(text).toContain('predict [####################] 4/4 replications');
    expect(text).toContain('\u001b[?7l');
    expect(text.trim()).not.toContain('\n');
    const off = sink(true);
    const none = startProgress({ label: 'x', enabled: false, stream: off.stream });
    none.update(1, 2, 'y');
    none.stop();
    expect(off.text()).toBe('');
  });
});
