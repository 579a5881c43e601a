/**
 * The sizing the user declares for the stack under test, with the same flags
 * as `predict` (--instance, --instances, --tasks, --workers, --worker-class,
 * --algorithm). validate only records it (next to what it measured) so that
 * calibrate can fit the model at that sizing; obvious nonsense is refused.
 */
import { UserError } from '../errors.js';
import { getInstanceType } from '../model/catalog.js';

export interface DeclaredSizing {
  instance?: string;
  instances?: number;
  tasks?: number;
  /** A number, or "auto" (the module's max(2, min(8, floor(memory / 128)))). */
  workers?: number | 'auto';
  workerClass?: 'sync' | 'gevent';
  algorithm?: 'round_robin' | 'least_outstanding_requests';
  /** Least outstanding requests: age of the counts routed on, ms (nginx least_conn: 0). */
  lorFeedbackMs?: number;
  /** A machine of your own (instance "custom"): its vCPUs and memory. */
  vcpus?: number;
  memoryGiB?: number;
  /** 'local' for the local test stack's disk (implied by instance "custom"), 'efs' for AWS. */
  storage?: 'efs' | 'local';
  /** Container memory (MiB) and CPU units of a task, when declared or read from the task definition. */
  containerMemoryMb?: number;
  containerCpu?: number;
  /** Target-group stickiness (lb_cookie, or the local stack's sticky nginx), declared or read from AWS. */
  stickiness?: 'on' | 'off';
}

export interface RawSizingFlags {
  instance?: string;
  instances?: string | number;
  tasks?: string | number;
  workers?: string | number;
  workerClass?: string;
  algorithm?: string;
  lorFeedbackMs?: string | number;
  vcpus?: string | number;
  memoryGiB?: string | number;
  containerMemoryMb?: string | number;
  stickiness?: string;
}

function positiveNumber(flag: string, value: string | number | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const text = String(value).trim();
  const n = Number(text);
  if (text === '' || !Number.isFinite(n) || n < min) throw new UserError(`--${flag}: expected a number >= ${min}, got "${text}"`);
  return n;
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
    if (instance !== 'custom' && !/^[a-z0-9-]+\.[a-z0-9-]+$/i.test(instance)) {
      throw new UserError(`--instance: expected an EC2 instance type like c6a.xlarge, or custom with --vcpus and --memory-gb, got "${flags.instance}"`);
    }
    // Checked against the catalog like predict's: a run recorded at an instance type capsim does not know
    // could never be calibrated or compared.
    if (instance !== 'custom') getInstanceType(instance);
    sizing.instance = instance;
  }
  const vcpus = positiveNumber('vcpus', flags.vcpus, 0.1);
  const memoryGiB = positiveNumber('memory-gb', flags.memoryGiB, 0.1);
  if ((vcpus !== undefined || memoryGiB !== undefined) && sizing.instance !== 'custom') throw new UserError('--vcpus and --memory-gb describe --instance custom');
  if (sizing.instance === 'custom') {
    if (vcpus === undefined || memoryGiB === undefined) throw new UserError('--instance custom needs --vcpus N and --memory-gb M');
    sizing.vcpus = vcpus;
    sizing.memoryGiB = memoryGiB;
    sizing.storage = 'local';
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
    if (flags.algorithm === 'least_conn') {
      // nginx least_conn: least outstanding requests, counted by the balancer itself (no feedback delay).
      sizing.algorithm = 'least_outstanding_requests';
      sizing.lorFeedbackMs = 0;
    } else if (flags.algorithm === 'round_robin' || flags.algorithm === 'least_outstanding_requests') {
      sizing.algorithm = flags.algorithm;
    } else {
      throw new UserError(`--algorithm: expected round_robin, least_outstanding_requests or least_conn, got "${flags.algorithm}"`);
    }
  }
  const containerMemoryMb = positiveInteger('container-memory', flags.containerMemoryMb);
  if (containerMemoryMb !== undefined) sizing.containerMemoryMb = containerMemoryMb;
  if (flags.stickiness !== undefined) {
    if (flags.stickiness !== 'on' && flags.stickiness !== 'off') throw new UserError(`--stickiness: expected on or off, got "${flags.stickiness}"`);
    sizing.stickiness = flags.stickiness;
  }
  const feedback = positiveNumber('lor-feedback-ms', flags.lorFeedbackMs, 0);
  if (feedback !== undefined) {
    if (sizing.algorithm !== 'least_outstanding_requests') throw new UserError('--lor-feedback-ms needs --algorithm least_outstanding_requests');
    sizing.lorFeedbackMs = feedback;
  }
  return sizing;
}

/** The flag that declares each field (for messages). */
const FLAG_OF: Partial<Record<keyof DeclaredSizing, string>> = {
  instance: '--instance',
  instances: '--instances',
  tasks: '--tasks',
  workers: '--workers',
  algorithm: '--algorithm',
  containerMemoryMb: '--container-memory',
};

/**
 * The declared sizing completed by what the deployed stack says of itself (`found`, with where each field
 * came from): a found field fills a field not declared; a declared field that contradicts it is an error
 * naming both values.
 */
export function completeSizing(declared: DeclaredSizing, found: Partial<DeclaredSizing>, sources: Record<string, string>): DeclaredSizing {
  const out: DeclaredSizing = { ...declared };
  for (const [key, value] of Object.entries(found) as Array<[keyof DeclaredSizing, DeclaredSizing[keyof DeclaredSizing]]>) {
    if (value === undefined) continue;
    const given = declared[key];
    if (given !== undefined && given !== value) {
      throw new UserError(`${FLAG_OF[key] ?? key} ${String(given)} contradicts the deployed stack: ${sources[key] ?? 'AWS'} says ${String(value)}`);
    }
    (out as Record<string, unknown>)[key] = value;
  }
  return out;
}
