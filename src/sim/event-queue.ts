import type { SimjsEventQueue, SimjsEventRecord } from './simjs.js';

/** A scheduled callback. `arg` is passed back so callers need not allocate closures. */
export type EventCallback = (arg: any) => void;

/**
 * The future event list: a binary min-heap on (time, insertion order) kept in
 * parallel arrays (times in a Float64Array), so scheduling allocates nothing
 * per event. It implements simjs's queue interface: `remove()` hands simjs's
 * loop one reused record whose `deliver()` runs the popped callback.
 * Ties in time are delivered in insertion order (FIFO), which keeps runs
 * deterministic.
 */
export class EventQueue implements SimjsEventQueue {
  private times = new Float64Array(1024);
  private orders = new Float64Array(1024);
  private callbacks: EventCallback[] = [];
  private args: unknown[] = [];
  private size = 0;
  private nextOrder = 0;
  private readonly cancelledOrders = new Set<number>();
  private readonly record: DeliveryRecord = new DeliveryRecord();

  get length(): number {
    return this.size;
  }

  /** Callbacks run so far through `remove()` + `deliver()`. */
  get delivered(): number {
    return this.record.count;
  }

  /**
   * Time of the last event `remove()` handed out. After a bounded `Sim.simulate(until)` it is later than
   * `until` exactly when the loop stopped at its bound rather than on an empty queue.
   */
  get lastRemovedTime(): number {
    return this.record.deliverAt;
  }

  /** Earliest scheduled time, or Infinity when empty. */
  peekTime(): number {
    return this.size > 0 ? this.times[0] : Infinity;
  }

  /** Schedules `callback(arg)` at `time`; returns a handle for `cancel`. */
  push(time: number, callback: EventCallback, arg: unknown): number {
    if (this.size === this.times.length) this.grow();
    const order = this.nextOrder++;
    const times = this.times;
    const orders = this.orders;
    const callbacks = this.callbacks;
    const args = this.args;
    let index = this.size++;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      const pt = times[parent];
      if (pt < time || (pt === time && orders[parent] < order)) break;
      times[index] = pt;
      orders[index] = orders[parent];
      callbacks[index] = callbacks[parent];
      args[index] = args[parent];
      index = parent;
    }
    times[index] = time;
    orders[index] = order;
    callbacks[index] = callback;
    args[index] = arg;
    return order;
  }

  /**
   * Cancels a pending event by its handle (negative handles are ignored). A handle must not be
   * cancelled after its event ran: the queue cannot tell, and keeps the handle until it next empties
   * (callers set their handle to -1 when it fires).
   */
  cancel(handle: number): void {
    if (handle >= 0) this.cancelledOrders.add(handle);
  }

  /** simjs queue interface: not used by capsim (records are not scheduled directly). */
  insert(record: SimjsEventRecord): void {
    this.push(record.deliverAt, (r: SimjsEventRecord) => r.deliver(), record);
  }

  /**
   * Pops the earliest event into the shared delivery record (simjs interface).
   * Cancelled events come back with `cancelled = true`, which simjs skips.
   */
  remove(): SimjsEventRecord | null {
    if (this.size === 0) return null;
    const record = this.record;
    const order = this.orders[0];
    record.deliverAt = this.times[0];
    record.callback = this.callbacks[0];
    record.arg = this.args[0];
    record.cancelled = this.cancelledOrders.size > 0 && this.cancelledOrders.delete(order);
    this.popRoot();
    return record;
  }

  private popRoot(): void {
    const times = this.times;
    const orders = this.orders;
    const callbacks = this.callbacks;
    const args = this.args;
    const last = --this.size;
    if (last === 0) {
      callbacks[0] = undefined as unknown as EventCallback;
      args[0] = undefined;
      // Nothing is pending: any handle still listed belonged to an event that had already run.
      this.cancelledOrders.clear();
      return;
    }
    const t = times[last];
    const o = orders[last];
    const c = callbacks[last];
    const a = args[last];
    callbacks[last] = undefined as unknown as EventCallback;
    args[last] = undefined;
    let index = 0;
    const half = last >> 1;
    while (index < half) {
      let child = 2 * index + 1;
      const right = child + 1;
      if (right < last && (times[right] < times[child] || (times[right] === times[child] && orders[right] < orders[child]))) {
        child = right;
      }
      const ct = times[child];
      if (t < ct || (t === ct && o < orders[child])) break;
      times[index] = ct;
      orders[index] = orders[child];
      callbacks[index] = callbacks[child];
      args[index] = args[child];
      index = child;
    }
    times[index] = t;
    orders[index] = o;
    callbacks[index] = c;
    args[index] = a;
  }

  private grow(): void {
    const times = new Float64Array(this.times.length * 2);
    times.set(this.times);
    this.times = times;
    const orders = new Float64Array(this.orders.length * 2);
    orders.set(this.orders);
    this.orders = orders;
  }
}

/** The single reusable record simjs's loop receives from `remove()`. */
class DeliveryRecord implements SimjsEventRecord {
  deliverAt = 0;
  cancelled = false;
  callback: EventCallback = () => undefined;
  arg: unknown = undefined;
  count = 0;

  deliver(): void {
    this.count++;
    this.callback(this.arg);
  }
}
