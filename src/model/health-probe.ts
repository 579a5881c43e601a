import type { Scheduler } from '../sim/scheduler.js';
import { type Exchange, type ExchangeOrigin, newExchange } from './exchange.js';

/** A periodic health check's settings, times in ms. */
export interface HealthCheckConfig {
  intervalMs: number;
  timeoutMs: number;
  /** Consecutive successes that turn a down (or new) target up. */
  healthyThreshold: number;
  /** Consecutive failures that turn an up target down. */
  unhealthyThreshold: number;
}

/** What a probe checks: a task that takes a request, or refuses it (false). */
export interface ProbedTask {
  accept(exchange: Exchange): boolean;
}

export interface HealthProbeOptions {
  scheduler: Scheduler;
  config: HealthCheckConfig;
  task: ProbedTask;
  /** The verdict before any check: up for a task that ran before the run, down for a new one. */
  up: boolean;
  /** When the first check goes out, ms from now (its phase in the interval). */
  firstCheckInMs: number;
  /** Ids of the probe's requests. */
  nextId: () => number;
  /** The probe turned up (true) or down (false). */
  verdict(probe: HealthProbe, up: boolean): void;
}

/**
 * One prober checking one task on its own schedule: every interval a GET of
 * the health path (request kind `health`) that queues with the task's other
 * requests; no answer within the timeout, a refused connection or a status
 * outside 200-299 is a failure (an answer after the timeout does not count,
 * and no new check goes out while one is still waiting for its timeout).
 * `unhealthyThreshold` consecutive failures turn an up probe down,
 * `healthyThreshold` consecutive successes turn a down one up; `verdict`
 * hears each turn. The ALB's target checks (one probe per ALB node) and ECS's
 * container check are both made of these (docs/model.md, "Health checks").
 */
export class HealthProbe implements ExchangeOrigin<HealthProbe> {
  up: boolean;
  private failures = 0;
  private successes = 0;
  private inFlight: Exchange<HealthProbe> | null = null;
  private timeoutHandle = -1;
  private stopped = false;
  private readonly scheduler: Scheduler;
  private readonly config: HealthCheckConfig;
  private readonly task: ProbedTask;
  private readonly nextId: () => number;
  private readonly onVerdict: (probe: HealthProbe, up: boolean) => void;

  constructor(options: HealthProbeOptions) {
    this.scheduler = options.scheduler;
    this.config = options.config;
    this.task = options.task;
    this.up = options.up;
    this.nextId = options.nextId;
    this.onVerdict = options.verdict;
    this.scheduler.after(options.firstCheckInMs, this.check, null);
  }

  /** No more checks (the target is deregistered, the task stopped, or the run is over). */
  stop(): void {
    this.stopped = true;
  }

  private readonly check = (): void => {
    if (this.stopped) return;
    this.scheduler.after(this.config.intervalMs, this.check, null);
    if (this.inFlight) return; // the previous check is still waiting for its timeout
    const ex = newExchange<HealthProbe>(this.nextId(), 'health', this, null, this, this.scheduler.now);
    this.inFlight = ex;
    this.timeoutHandle = this.scheduler.after(this.config.timeoutMs, this.timedOut, null);
    if (!this.task.accept(ex)) this.targetAnswered(ex, 502);
  };

  private readonly timedOut = (): void => {
    this.timeoutHandle = -1;
    if (!this.inFlight) return;
    // The prober closes its connection; the request stays queued in the task and is still served.
    this.inFlight.albClosed = true;
    this.inFlight = null;
    this.result(false);
  };

  targetAnswered(ex: Exchange<HealthProbe>, status: number): void {
    if (ex.targetDone) return;
    ex.targetDone = true;
    if (this.inFlight !== ex) return; // answered after its timeout
    this.inFlight = null;
    if (this.timeoutHandle >= 0) this.scheduler.cancel(this.timeoutHandle);
    this.timeoutHandle = -1;
    this.result(status >= 200 && status < 300);
  }

  private result(ok: boolean): void {
    if (this.stopped) return;
    if (ok) {
      this.failures = 0;
      this.successes++;
      if (!this.up && this.successes >= this.config.healthyThreshold) {
        this.up = true;
        this.onVerdict(this, true);
      }
    } else {
      this.successes = 0;
      this.failures++;
      if (this.up && this.failures >= this.config.unhealthyThreshold) {
        this.up = false;
        this.onVerdict(this, false);
      }
    }
  }
}
