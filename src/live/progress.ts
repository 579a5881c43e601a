/**
 * The live progress line: elapsed time, operations, HTTP requests, failures
 * and the P95 (seed rule) of the successful operations of the last 10 s.
 * On a terminal it rewrites one line every second; otherwise it prints a line
 * every `lineEverySeconds` (through the one progress module, src/cli/progress.ts).
 * It only reads counters, so it cannot slow the load.
 */
import { performance } from 'node:perf_hooks';
import { type Progress, startProgress } from '../cli/progress.js';
import { seedPercentile } from './seed-summary.js';

export interface ProgressSource {
  operations: number;
  httpRequests: number;
  failures: number;
}

export class ProgressLine {
  private readonly window: Array<{ at: number; latencyMs: number }> = [];
  private timer: NodeJS.Timeout | null = null;
  private readonly line: Progress;

  constructor(
    private readonly source: ProgressSource,
    private readonly startPerf: number,
    private readonly out: NodeJS.WriteStream = process.stderr,
    private readonly lineEverySeconds = 5,
    private readonly windowSeconds = 10,
  ) {
    this.line = startProgress({ label: '', enabled: true, stream: out, pipeLineSeconds: lineEverySeconds });
  }

  /** Notes a successful operation's latency for the rolling P95. */
  noteSuccess(latencyMs: number): void {
    this.window.push({ at: performance.now(), latencyMs });
  }

  currentP95(): number | null {
    const cutoff = performance.now() - this.windowSeconds * 1000;
    let drop = 0;
    while (drop < this.window.length && this.window[drop].at < cutoff) drop += 1;
    if (drop > 0) this.window.splice(0, drop);
    return seedPercentile(this.window.map((entry) => entry.latencyMs).sort((a, b) => a - b), 0.95);
  }

  text(): string {
    const elapsed = (performance.now() - this.startPerf) / 1000;
    const { operations, httpRequests, failures } = this.source;
    const rate = operations > 0 ? ((100 * failures) / operations).toFixed(1) : '0.0';
    const p95 = this.currentP95();
    return `elapsed ${elapsed.toFixed(1)} s | operations ${operations} (${httpRequests} HTTP) | errors ${failures} (${rate} %) | P95 ${p95 === null ? '-' : `${Math.round(p95)} ms`} (last ${this.windowSeconds} s)`;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.render(), 1000);
    this.timer.unref();
  }

  private render(): void {
    this.line.update(0, 0, this.text());
  }

  /** Prints a message on its own line without garbling the progress line. */
  message(line: string): void {
    this.line.message(line);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.render();
    this.line.stop();
  }
}
