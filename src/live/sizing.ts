/**
 * The sizing the user declares for the stack under test, with the same flags
 * as `predict` (--instance, --instances, --tasks, --workers, --worker-class,
 * --algorithm). validate only records it (next to what it measured) so that
 * calibrate can fit the model at that sizing; obvious nonsense is refused.
 */
import { UserError } from '../errors.js';

export interface DeclaredSizing {
  instance?: string;
  instances?: number;
  tasks?: number;
  /** A number, or "auto" (the module's max(2, min(8, floor(memory / 128)))). */
  workers?: number | 'auto';
  workerClass?: 'sync' | 'gevent';
  algorithm?: 'round_robin' | 'least_outstanding_requests';
}

export interface RawSizingFlags {
  instance?: string;
  instances?: string | number;
  tasks?: string | number;
  workers?: string | number;
  workerClass?: string;
  algorithm?: string;
}

function positiveInteger(flag: string, value: string | number | undefined): number | undefined {
  if (value === undefined) return undefined;
  const text = String(value).trim();
  if (!/^-?\d+$/.test(text) || Number(text) < 1) throw new UserError(`--${flag}: expected a whole number >= 1, got "${text}"`);
  return Number(text);
}

export function declaredSizing(flags: RawSizingFlags): DeclaredSizing {
  const sizing: DeclaredSizing = {};
  if (flags.instance !== undefined) {
    const instance = flags.instance.trim();
    if (!/^[a-z0-9-]+\.[a-z0-9-]+$/i.test(instance)) throw new UserError(`--instance: expected an EC2 instance type like c6a.xlarge, got "${flags.instance}"`);
    sizing.instance = instance;
  }
  const instances = positiveInteger('instances', flags.instances);
  if (instances !== undefined) sizing.instances = instances;
  const tasks = positiveInteger('tasks', flags.tasks);
  if (tasks !== undefined) sizing.tasks = tasks;
  if (flags.workers !== undefined) {
    sizing.workers = String(flags.workers).trim() === 'auto' ? 'auto' : positiveInteger('workers', flags.workers);
  }
  if (flags.workerClass !== undefined) {
    if (flags.workerClass !== 'sync' && flags.workerClass !== 'gevent') throw new UserError(`--worker-class: expected sync or gevent, got "${flags.workerClass}"`);
    sizing.workerClass = flags.workerClass;
  }
  if (flags.algorithm !== undefined) {
    if (flags.algorithm !== 'round_robin' && flags.algorithm !== 'least_outstanding_requests') {
      throw new UserError(`--algorithm: expected round_robin or least_outstanding_requests, got "${flags.algorithm}"`);
    }
    sizing.algorithm = flags.algorithm;
  }
  return sizing;
}
