/**
 * Progress of a fit on stderr, never on stdout (which --json owns): on a
 * terminal one line rewritten in place; otherwise (--progress into a pipe or
 * file) a line every LINE_EVERY evaluations and at each phase's start.
 */
import type { FitProgress } from './fit.js';

export const LINE_EVERY = 10;

export interface ProgressSink {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface ProgressReporter {
  update(progress: FitProgress): void;
  /** Ends the in-place line (call once at the end). */
  done(): void;
}

const short = (v: number) => Number(v.toPrecision(4)).toString();

export function describeProgress(p: FitProgress): string {
  const best = Object.entries(p.best)
    .map(([name, value]) => `${name}=${short(value)}`)
    .join(' ');
  return `calibrate ${p.phase}: evaluation ${p.evaluation}/${p.maxEvaluations}, loss ${short(p.loss)} (best ${short(p.bestLoss)}) ${best}`;
}

export function progressReporter(sink: ProgressSink, enabled: boolean): ProgressReporter {
  if (!enabled) return { update: () => undefined, done: () => undefined };
  let phase = '';
  let open = false;
  if (sink.isTTY) {
    return {
      update(p) {
        if (p.phase !== phase && open) sink.write('\n');
        phase = p.phase;
        sink.write(`\r\u001b[K${describeProgress(p)}`);
        open = true;
      },
      done() {
        if (open) sink.write('\n');
        open = false;
      },
    };
  }
  return {
    update(p) {
      if (p.phase !== phase || p.evaluation % LINE_EVERY === 0) sink.write(`${describeProgress(p)}\n`);
      phase = p.phase;
    },
    done: () => undefined,
  };
}
