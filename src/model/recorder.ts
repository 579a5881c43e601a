import { compactDistribution, type CompactDistribution } from '../sim/stats/distribution.js';
import { FAILURE_CAUSES, type FailureCause } from './exchange.js';

/** One per-second bin of the timeline (like the CloudWatch graph in the report). */
export interface TimelineBin {
  t: number;
  requests: number;
  responses: number;
  errors: number;
}

/** A burst from its first iteration's start to when the last burst running finished, seconds from the run start. */
export interface BurstWindow {
  startS: number;
  endS: number;
}

/** An operation's latency distributions, successful and failed (null when there is none of that kind). */
export interface OperationDistribution {
  ok: CompactDistribution | null;
  failed: CompactDistribution | null;
}

/**
 * Everything a simulated run measures from the clients' side, recorded the
 * way the seed tool records it: one entry per operation (ok, latency, cause),
 * HTTP requests and responses per second, 5xx responses.
 */
export class RunRecorder {
  readonly opNames: string[];
  private opIndex: number[] = [];
  private opOk: boolean[] = [];
  private opLatency: number[] = [];
  readonly failures = Object.fromEntries(FAILURE_CAUSES.map((cause) => [cause, 0])) as Record<FailureCause, number>;
  /** 5xx responses received by clients (every attempt, retries included). */
  http5xx = 0;
  httpRequests = 0;
  private readonly requestsPerSecond: number[] = [];
  private readonly responsesPerSecond: number[] = [];
  private readonly errorsPerSecond: number[] = [];
  lastEventTime = 0;
  private readonly burstWindows: BurstWindow[] = [];

  /** The flow's operation index -> index in opNames (an install of several requirements repeats the names). */
  private readonly nameIndex: number[];

  /** `flowOperations`: the names of the flow's operations in order, repeats allowed; opNames lists each once. */
  constructor(flowOperations: string[]) {
    this.opNames = [...new Set(flowOperations)];
    this.nameIndex = flowOperations.map((name) => this.opNames.indexOf(name));
  }

  get operations(): number {
    return this.opOk.length;
  }

  operation(index: number, startTime: number, endTime: number, ok: boolean, cause: FailureCause | null): void {
    this.opIndex.push(this.nameIndex[index] ?? index);
    this.opOk.push(ok);
    this.opLatency.push(endTime - startTime);
    if (!ok && cause) this.failures[cause]++;
    if (endTime > this.lastEventTime) this.lastEventTime = endTime;
  }

  /** A burst started (true) or the last running one finished (false). */
  burstChanged(timeMs: number, active: boolean): void {
    const last = this.burstWindows[this.burstWindows.length - 1];
    if (active && (!last || !Number.isNaN(last.endS))) this.burstWindows.push({ startS: timeMs / 1000, endS: NaN });
    else if (!active && last && Number.isNaN(last.endS)) last.endS = timeMs / 1000;
  }

  /** The bursts so far; one still running ends at the last event. */
  bursts(): BurstWindow[] {
    return this.burstWindows.map((b) => ({ startS: b.startS, endS: Number.isNaN(b.endS) ? this.lastEventTime / 1000 : b.endS }));
  }

  /** Per operation, the compact latency distributions of its successful and its failed operations. */
  distributions(): Record<string, OperationDistribution> {
    const out: Record<string, OperationDistribution> = {};
    this.opNames.forEach((name, index) => {
      const ok: number[] = [];
      const failed: number[] = [];
      for (let i = 0; i < this.opOk.length; i++) {
        if (this.opIndex[i] === index) (this.opOk[i] ? ok : failed).push(this.opLatency[i]);
      }
      out[name] = { ok: compactDistribution(ok), failed: compactDistribution(failed) };
    });
    return out;
  }

  requestSent(time: number): void {
    this.httpRequests++;
    bump(this.requestsPerSecond, time);
  }

  /** A response (or a timeout / connection error: status 0) reached the client. */
  responseReceived(time: number, status: number): void {
    if (status > 0) bump(this.responsesPerSecond, time);
    if (status === 0 || status >= 400) bump(this.errorsPerSecond, time);
    if (status >= 500) this.http5xx++;
  }

  /** Latencies of successful (and of all) operations, optionally of one operation type. */
  latencies(which: 'ok' | 'all', opIndex = -1): Float64Array {
    const out: number[] = [];
    for (let i = 0; i < this.opOk.length; i++) {
      if (opIndex >= 0 && this.opIndex[i] !== opIndex) continue;
      if (which === 'ok' && !this.opOk[i]) continue;
      out.push(this.opLatency[i]);
    }
    return Float64Array.from(out);
  }

  failuresOf(opIndex: number): { count: number; failed: number } {
    let count = 0;
    let failed = 0;
    for (let i = 0; i < this.opOk.length; i++) {
      if (this.opIndex[i] !== opIndex) continue;
      count++;
      if (!this.opOk[i]) failed++;
    }
    return { count, failed };
  }

  get failedOperations(): number {
    let n = 0;
    for (const ok of this.opOk) if (!ok) n++;
    return n;
  }

  timeline(): TimelineBin[] {
    const seconds = Math.max(this.requestsPerSecond.length, this.responsesPerSecond.length, this.errorsPerSecond.length);
    const bins: TimelineBin[] = [];
    for (let s = 0; s < seconds; s++) {
      bins.push({ t: s, requests: this.requestsPerSecond[s] ?? 0, responses: this.responsesPerSecond[s] ?? 0, errors: this.errorsPerSecond[s] ?? 0 });
    }
    return bins;
  }
}

function bump(bins: number[], timeMs: number): void {
  const s = Math.floor(timeMs / 1000);
  while (bins.length <= s) bins.push(0);
  bins[s]++;
}
