import { UserError } from '../errors.js';
import type { RunGuard, Scheduler } from '../sim/scheduler.js';
import { PARAMETER_NAMES, parameterSchema, type ModelParameters } from './parameters.js';

/**
 * The simulation budget (docs/model.md, "The simulation budget"): a run whose
 * event count or simulated time leaves every plausible range stops with one
 * line naming the parameter values that led there. It is a bound on the
 * simulated stack, not on the machine: the same inputs stop at the same event
 * on any machine, at any load.
 *
 * - Events: a replication of the shipped scenarios delivers 4-7 events per
 *   simulated HTTP request (arrival, routing, CPU and I/O segments, the
 *   answer). More than EVENTS_PER_REQUEST per request (once past
 *   MIN_EVENTS) means a mechanism spins without doing work a real stack does:
 *   a check every 0 s, a drain that never ends.
 * - Time: every install starts before the load's duration (the schedule's
 *   loadDurationMs); work still scheduled AFTER_LOAD_MS (24 simulated hours)
 *   after that is a request no real server would still be serving.
 */
export const EVENTS_PER_REQUEST = 1000;
/** Events always allowed, whatever the request count (health checks of an idle stack). */
export const MIN_EVENTS = 1_000_000;
/** Simulated time after the load's last start by which every request must have finished, ms. */
export const AFTER_LOAD_MS = 24 * 3600 * 1000;
/** Events between two checks of the budget. */
const CHECK_EVERY = 1 << 18;

/** The simulation left its budget: one line, exit 2 (the inputs, not the program, are at fault). */
export class SimulationBudgetError extends UserError {
  constructor(message: string) {
    super(message);
    this.name = 'SimulationBudgetError';
  }
}

/** What the budget watches: the run's scheduler, the requests sent so far, what to name when it stops. */
export interface BudgetOptions {
  scheduler: Scheduler;
  /** HTTP requests the clients have sent so far. */
  requests: () => number;
  params: ModelParameters;
  /** When the load's last install may start, ms. */
  loadDurationMs: number;
  /** The sizing and load, in a few words, for the message. */
  describe: string;
}

/**
 * The parameters farthest from the schema's defaults (at most `count`), as "name=value (default d)": the
 * values that most likely led a run out of its budget. A value outside the schema's bounds (possible only
 * where the schema was bypassed) comes first; then the log ratio of the two values' places in the
 * parameter's range, each padded by 1 % of the range so that 0 compares finitely.
 */
export function farthestFromDefaults(params: ModelParameters, count = 4): string[] {
  const schema = parameterSchema();
  return PARAMETER_NAMES.map((name) => {
    const spec = schema[name];
    const range = spec.max - spec.min || 1;
    const place = (v: number) => Math.abs(v - spec.min) / range + 0.01;
    const value = params[name];
    const distance = value < spec.min || value > spec.max || !Number.isFinite(value) ? Infinity : Math.abs(Math.log(place(value) / place(spec.value)));
    return { name, distance, text: `${name}=${params[name]} (default ${spec.value})` };
  })
    .filter((p) => p.distance > 1e-12)
    .sort((a, b) => b.distance - a.distance)
    .slice(0, count)
    .map((p) => p.text);
}

export class SimulationBudget implements RunGuard {
  readonly every = CHECK_EVERY;
  /** The time a run may reach, ms (the bound to give `Scheduler.run`). */
  readonly untilMs: number;

  constructor(private readonly options: BudgetOptions) {
    this.untilMs = options.loadDurationMs + AFTER_LOAD_MS;
  }

  check(): void {
    const events = this.options.scheduler.eventsDelivered;
    const requests = this.options.requests();
    if (events > Math.max(MIN_EVENTS, EVENTS_PER_REQUEST * requests)) {
      const perRequest = requests > 0 ? `${Math.round(events / requests).toLocaleString('en-US')} events per simulated request` : 'no request sent yet';
      this.stop(`${events.toLocaleString('en-US')} events (${perRequest}; the shipped scenarios need 4-7) at ${this.at()}`);
    }
  }

  overran(): void {
    this.stop(`work still scheduled 24 simulated hours after the last install started (${this.at()})`);
  }

  private at(): string {
    return `${(this.options.scheduler.now / 1000).toFixed(0)} simulated s`;
  }

  private stop(what: string): never {
    const named = farthestFromDefaults(this.options.params);
    const values = named.length > 0 ? `the parameters farthest from their defaults (calibration and --set): ${named.join(', ')}` : 'every parameter at its default';
    throw new SimulationBudgetError(`the simulation left its budget: ${what}, for ${this.options.describe}; ${values}`);
  }
}
