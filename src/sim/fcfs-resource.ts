import { Fifo } from './fifo.js';
import { TimeWeighted } from './time-weighted.js';

export type Grant<A> = (arg: A) => void;

/**
 * A first-come first-served pool of `servers` identical servers with room for
 * at most `capacity` customers in the system (in service + waiting). An
 * arrival that finds the system full is rejected. `acquire` grants a server
 * at once when one is free (synchronously, in the caller's event), otherwise
 * when an earlier holder calls `release`.
 */
export class FcfsResource<A = unknown> {
  private busy = 0;
  private readonly waiting = new Fifo<{ grant: Grant<A>; arg: A }>();
  private readonly inSystem: TimeWeighted;
  private rejectedCount = 0;
  private acceptedCount = 0;

  constructor(
    readonly servers: number,
    readonly capacity = Infinity,
    private readonly clock: { readonly now: number } = { now: 0 },
  ) {
    if (!(servers >= 1) || !Number.isInteger(servers)) throw new RangeError(`servers must be an integer >= 1, got ${servers}`);
    if (!(capacity >= servers)) throw new RangeError(`capacity (${capacity}) must be >= servers (${servers})`);
    this.inSystem = new TimeWeighted(clock.now);
  }

  /** Customers holding a server. */
  get inService(): number {
    return this.busy;
  }

  /** Customers waiting for a server. */
  get queued(): number {
    return this.waiting.length;
  }

  get rejected(): number {
    return this.rejectedCount;
  }

  get accepted(): number {
    return this.acceptedCount;
  }

  /** Time-average number in system up to `time`. */
  meanInSystem(time: number): number {
    return this.inSystem.average(time);
  }

  /** Integral over time of the number in system, from creation to `time`. */
  inSystemIntegral(time: number): number {
    return this.inSystem.integral(time);
  }

  /**
   * Asks for a server. Returns false (and never calls `grant`) when the system
   * is full; otherwise true, and `grant(arg)` runs when a server is assigned.
   */
  acquire(grant: Grant<A>, arg: A): boolean {
    if (this.busy + this.waiting.length >= this.capacity) {
      this.rejectedCount++;
      return false;
    }
    this.acceptedCount++;
    this.inSystem.add(this.clock.now, 1);
    if (this.busy < this.servers) {
      this.busy++;
      grant(arg);
    } else {
      this.waiting.push({ grant, arg });
    }
    return true;
  }

  /** Frees a server; the longest-waiting customer, if any, gets it. */
  release(): void {
    if (this.busy === 0) throw new Error('release() without a matching acquire()');
    this.inSystem.add(this.clock.now, -1);
    const next = this.waiting.shift();
    if (next) next.grant(next.arg);
    else this.busy--;
  }
}
