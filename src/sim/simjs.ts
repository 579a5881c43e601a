/**
 * The one place that touches simjs (npm "simjs" 2.0.3, the "simjs-updated"
 * package). Its browserify bundle exports nothing to Node's require: it only
 * assigns `window.Sim`. We provide a temporary `globalThis.window`, require the
 * bundle, take `Sim`, and restore the global exactly as it was.
 */
import { createRequire } from 'node:module';

/** The part of simjs's event record the simulation loop reads. */
export interface SimjsEventRecord {
  deliverAt: number;
  cancelled: boolean;
  deliver(): void;
}

/** The queue interface `Sim.simulate` drives: insert, and remove the earliest (or null). */
export interface SimjsEventQueue {
  insert(record: SimjsEventRecord): void;
  remove(): SimjsEventRecord | null;
}

/** simjs's simulator: a clock and a loop that delivers queued records in time order. */
export interface SimjsSim {
  simTime: number;
  queue: SimjsEventQueue;
  entities: unknown[];
  time(): number;
  simulate(endTime: number, maxEvents?: number): boolean;
  step(): boolean;
}

/** simjs's own request record (what its naive API allocates per event). */
export interface SimjsRequest {
  done(callback: (this: unknown, arg?: unknown) => void, context?: unknown, argument?: unknown): SimjsRequest;
}

/** simjs's entity base class: `setTimer(ms)` schedules through simjs's own priority queue. */
export interface SimjsEntity {
  sim: SimjsSim;
  time(): number;
  setTimer(duration: number): SimjsRequest;
}

export interface SimjsModule {
  Sim: new () => SimjsSim & { addEntity<T>(klass: new (...args: any[]) => T, name?: string, ...args: unknown[]): T };
  Entity: new (sim: SimjsSim, name?: string) => SimjsEntity;
}

let loaded: SimjsModule | undefined;

/** Loads simjs once and returns its namespace. */
export function simjs(): SimjsModule {
  if (loaded) return loaded;
  const require = createRequire(import.meta.url);
  const g = globalThis as { window?: unknown };
  const hadWindow = Object.prototype.hasOwnProperty.call(g, 'window');
  const previous = g.window;
  const sandbox: { Sim?: SimjsModule } = {};
  g.window = sandbox;
  try {
    require('simjs');
  } finally {
    if (hadWindow) g.window = previous;
    else delete g.window;
  }
  if (!sandbox.Sim || typeof sandbox.Sim.Sim !== 'function') {
    throw new Error('simjs did not register window.Sim; is simjs 2.0.3 installed?');
  }
  loaded = sandbox.Sim;
  return loaded;
}
