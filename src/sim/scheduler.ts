import { EventQueue, type EventCallback } from './event-queue.js';
import { simjs, type SimjsSim } from './simjs.js';

/** Watches a run from outside the model's mechanisms (a simulation budget). */
export interface RunGuard {
  /** Events between checks. */
  readonly every: number;
  check(): void;
  /** The run reached `until` with events still scheduled after it. */
  overran(until: number): void;
}

/**
 * The simulation clock and event loop. simjs's `Sim` owns the clock and the
 * delivery loop; capsim gives it an allocation-free future event list
 * (EventQueue). Time is in milliseconds throughout the model.
 */
export class Scheduler {
  private readonly sim: SimjsSim;
  private readonly queue: EventQueue;

  constructor() {
    const { Sim } = simjs();
    this.sim = new Sim();
    this.queue = new EventQueue();
    this.sim.queue = this.queue;
  }

  /** Current simulated time, ms. */
  get now(): number {
    return this.sim.simTime;
  }

  /** Events delivered so far (cancelled ones excluded). */
  get eventsDelivered(): number {
    return this.queue.delivered;
  }

  /** Events waiting in the future event list (including cancelled ones not yet popped). */
  get pending(): number {
    return this.queue.length;
  }

  /** Runs `callback(arg)` after `delay` ms; returns a handle for `cancel`. */
  after(delay: number, callback: () => void): number;
  after<A>(delay: number, callback: (arg: A) => void, arg: A): number;
  after(delay: number, callback: EventCallback, arg?: unknown): number {
    if (!(delay >= 0)) throw new RangeError(`delay must be >= 0 ms, got ${delay}`);
    return this.queue.push(this.sim.simTime + delay, callback, arg);
  }

  /** Runs `callback(arg)` at absolute time `time` (not before now). */
  at(time: number, callback: () => void): number;
  at<A>(time: number, callback: (arg: A) => void, arg: A): number;
  at(time: number, callback: EventCallback, arg?: unknown): number {
    if (!(time >= this.sim.simTime)) throw new RangeError(`cannot schedule in the past: ${time} < ${this.sim.simTime}`);
    return this.queue.push(time, callback, arg);
  }

  /** Cancels a scheduled callback (no-op if it already ran). */
  cancel(handle: number): void {
    this.queue.cancel(handle);
  }

  /**
   * Delivers events in time order until none is left or the next one is later
   * than `until` ms (that event and later ones are dropped: a run ends there).
   * With a `guard`, `guard.check()` runs after every `guard.every` events (it
   * may throw to stop the run), and `guard.overran(until)` when the run
   * reached its bound with events still to come; a guarded run that ends on
   * an empty queue leaves the clock at its last event.
   */
  run(until = Infinity, guard?: RunGuard): void {
    if (guard) {
      while (!this.sim.simulate(until, guard.every)) guard.check();
      if (!(this.queue.lastRemovedTime > until)) return;
      guard.overran(until);
    } else this.sim.simulate(until);
    // simjs leaves the clock at the last delivered event; a bounded run ends at its bound.
    if (until !== Infinity) this.sim.simTime = until;
  }
}
