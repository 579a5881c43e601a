import type { Uniform } from '../../sim/rng.js';
import type { Scheduler } from '../../sim/scheduler.js';
import { type Exchange, type ExchangeOrigin, newExchange } from '../exchange.js';
import type { HealthCheckConfig } from './config.js';
import type { Target, TargetHealthListener, TargetTask } from './target.js';

interface CheckState {
  target: Target<TargetTask>;
  listener: TargetHealthListener<TargetTask>;
  failures: number;
  successes: number;
  inFlight: Exchange<CheckState> | null;
  timeoutHandle: number;
}

export interface HealthCheckerOptions {
  scheduler: Scheduler;
  config: HealthCheckConfig;
  /** Where in its interval each target's first check falls. */
  phaseRng: Uniform;
}

/**
 * Target health checks: every interval each target gets a GET of the health
 * endpoint that queues behind real traffic in its gunicorn; no answer within
 * the timeout (or a refused connection) is a failure; N consecutive failures
 * make a healthy target unhealthy, M successes make a new (or unhealthy)
 * target healthy. The target's listener hears both. The deployed settings:
 * docs/stack.md, "Health checks and task replacement".
 */
export class HealthChecker implements ExchangeOrigin<CheckState> {
  private readonly scheduler: Scheduler;
  private readonly config: HealthCheckConfig;
  private readonly phaseRng: Uniform;
  private nextId = 1_000_000_000;
  private stopped = false;

  constructor(options: HealthCheckerOptions) {
    this.scheduler = options.scheduler;
    this.config = options.config;
    this.phaseRng = options.phaseRng;
  }

  /** Stops scheduling checks (the run is over). */
  stop(): void {
    this.stopped = true;
  }

  watch<T extends TargetTask>(target: Target<T>, listener: TargetHealthListener<T>): void {
    const state: CheckState = { target, listener, failures: 0, successes: 0, inFlight: null, timeoutHandle: -1 };
    this.scheduler.after(this.phaseRng() * this.config.intervalMs, this.check, state);
  }

  private readonly check = (state: CheckState): void => {
    if (this.stopped || state.target.state === 'draining') return;
    this.scheduler.after(this.config.intervalMs, this.check, state);
    if (state.inFlight) return; // the previous check is still waiting for its timeout
    const ex = newExchange(this.nextId++, 'health', this, null, state, this.scheduler.now, state.target.id);
    state.inFlight = ex;
    state.timeoutHandle = this.scheduler.after(this.config.timeoutMs, this.timedOut, state);
    if (!state.target.task.accept(ex)) this.targetAnswered(ex, 502);
  };

  private readonly timedOut = (state: CheckState): void => {
    state.timeoutHandle = -1;
    if (!state.inFlight) return;
    state.inFlight.albClosed = true;
    state.inFlight = null;
    this.result(state, false);
  };

  targetAnswered(ex: Exchange<CheckState>, status: number): void {
    if (ex.targetDone) return;
    ex.targetDone = true;
    const state = ex.owner;
    if (state.inFlight !== ex) return; // answered after its timeout
    state.inFlight = null;
    if (state.timeoutHandle >= 0) this.scheduler.cancel(state.timeoutHandle);
    state.timeoutHandle = -1;
    this.result(state, status >= 200 && status < 400);
  }

  private result(state: CheckState, ok: boolean): void {
    const t = state.target;
    if (ok) {
      state.failures = 0;
      state.successes++;
      if ((t.state === 'initial' || t.state === 'unhealthy') && state.successes >= this.config.healthyThreshold) {
        t.state = 'healthy';
        state.listener.targetHealthy(t);
      }
    } else {
      state.successes = 0;
      state.failures++;
      if (t.state === 'healthy' && state.failures >= this.config.unhealthyThreshold) {
        t.state = 'unhealthy';
        state.listener.targetUnhealthy(t);
      }
    }
  }
}
