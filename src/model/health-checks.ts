import type { Uniform } from '../sim/rng.js';
import type { Scheduler } from '../sim/scheduler.js';
import type { Target } from './alb.js';
import { type Exchange, type ExchangeOrigin, newExchange } from './exchange.js';
import type { ModelParameters } from './parameters.js';

interface CheckState {
  target: Target;
  failures: number;
  successes: number;
  inFlight: Exchange | null;
  timeoutHandle: number;
}

/**
 * ALB health checks: every interval each target gets a GET of the health
 * endpoint that queues behind real traffic in its gunicorn; no answer within
 * the timeout (or a refused connection) is a failure; N consecutive failures
 * make a healthy target unhealthy, M successes make a new target healthy.
 */
export class HealthChecker implements ExchangeOrigin {
  private readonly states = new Map<number, CheckState>();
  private nextId = 1_000_000_000;
  private stopped = false;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly p: ModelParameters,
    private readonly phaseRng: Uniform,
    private readonly onUnhealthy: (target: Target) => void,
    private readonly onHealthy: (target: Target) => void = () => undefined,
  ) {}

  /** Stops scheduling checks (the run is over). */
  stop(): void {
    this.stopped = true;
  }

  watch(target: Target): void {
    const state: CheckState = { target, failures: 0, successes: 0, inFlight: null, timeoutHandle: -1 };
    this.states.set(target.id, state);
    const interval = this.p['alb.healthIntervalS'] * 1000;
    this.scheduler.after(this.phaseRng() * interval, this.check, state);
  }

  private readonly check = (state: CheckState): void => {
    if (this.stopped || state.target.state === 'draining') return;
    this.scheduler.after(this.p['alb.healthIntervalS'] * 1000, this.check, state);
    if (state.inFlight) return; // the previous check is still waiting for its timeout
    const ex = newExchange(this.nextId++, 'health', this, null, state, this.scheduler.now, state.target.id);
    state.inFlight = ex;
    state.timeoutHandle = this.scheduler.after(this.p['alb.healthTimeoutS'] * 1000, this.timedOut, state);
    if (!state.target.task.accept(ex)) this.targetAnswered(ex, 502);
  };

  private readonly timedOut = (state: CheckState): void => {
    state.timeoutHandle = -1;
    if (!state.inFlight) return;
    state.inFlight.albClosed = true;
    state.inFlight = null;
    this.result(state, false);
  };

  targetAnswered(ex: Exchange, status: number): void {
    if (ex.targetDone) return;
    ex.targetDone = true;
    const state = ex.owner as CheckState;
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
      if ((t.state === 'initial' || t.state === 'unhealthy') && state.successes >= this.p['alb.healthyThreshold']) {
        t.state = 'healthy';
        this.onHealthy(t);
      }
    } else {
      state.successes = 0;
      state.failures++;
      if (t.state === 'healthy' && state.failures >= this.p['alb.unhealthyThreshold']) {
        t.state = 'unhealthy';
        this.onUnhealthy(t);
      }
    }
  }
}
