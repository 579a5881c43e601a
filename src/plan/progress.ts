import type { PlanProgress } from './plan.js';

/**
 * A one-line progress bar for `capsim plan` on stderr:
 *   [##########----------]  120/240 candidates, 31 dropped early, 1m05s left
 * Redrawn in place at most every `intervalMs`; `finish()` clears the line.
 */
export class ProgressBar {
  private lastDraw = -Infinity;
  private drawn = false;

  constructor(
    private readonly stream: NodeJS.WritableStream,
    private readonly width = 24,
    private readonly intervalMs = 200,
  ) {}

  update(p: PlanProgress): void {
    const now = performance.now();
    if (p.candidatesDone < p.candidates && now - this.lastDraw < this.intervalMs) return;
    this.lastDraw = now;
    this.stream.write(`\r${renderProgress(p, this.width)}\u001b[K`);
    this.drawn = true;
  }

  finish(): void {
    if (this.drawn) this.stream.write('\r\u001b[K');
    this.drawn = false;
  }
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '?';
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** The progress line without terminal control characters. */
export function renderProgress(p: PlanProgress, width = 24): string {
  const fraction = p.candidates > 0 ? p.candidatesDone / p.candidates : 1;
  const filled = Math.round(fraction * width);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
  const left = p.candidatesDone >= p.candidates ? 'done' : `${formatDuration(p.etaMs)} left`;
  return `${bar} ${p.candidatesDone}/${p.candidates} candidates, ${p.dropped} dropped early, ${p.replicationsRun} replications, ${left}`;
}
