/**
 * The sizing a run was measured at, assembled from up to three sources:
 * the run file itself (validate's `sizing`), its sidecar, and the
 * command-line sizing flags of `calibrate`.
 *
 * Precedence: the sidecar corrects or completes the run file's own sizing;
 * command-line flags only fill fields the run does not state. A flag that
 * contradicts what a run states is an error (a flag is never silently
 * ignored). Required: instance and tasks and workers (a number, or "auto":
 * the module's max(2, min(8, floor(container_memory / 128)))). workerClass
 * and algorithm default to the module's and the ALB's defaults (gevent,
 * round_robin), recorded as such.
 */
import { UserError } from '../errors.js';
import { shown } from '../input/data-file.js';
import type { Algorithm } from '../model/balancer/config.js';
import type { WorkerClass } from '../model/gunicorn.js';
import { autoWorkers, MODULE_PLACEMENT_RULES } from '../model/placement.js';
import { resolveSizing, type ResolvedSizing, type SizingRequest } from '../model/sizing.js';
import type { StorageKind } from '../model/storage.js';
import { STICKINESS_CHOICES, type StickinessChoice } from '../cli/sizing-flags.js';

/** Sizing fields as a run, a sidecar or the flags may state them. */
export interface PartialSizing {
  instance?: string;
  vcpus?: number;
  memoryGiB?: number;
  instances?: number;
  tasks?: number;
  workers?: number | 'auto';
  workerClass?: WorkerClass;
  algorithm?: Algorithm;
  lorFeedbackMs?: number;
  /** Target-group stickiness as validate records it. */
  stickiness?: StickinessChoice;
  containerMemoryMb?: number;
  storage?: StorageKind;
}

const FLAG_NAMES: Record<keyof PartialSizing, string> = {
  instance: '--instance',
  vcpus: '--vcpus',
  memoryGiB: '--memory-gb',
  instances: '--instances',
  tasks: '--tasks',
  workers: '--workers',
  workerClass: '--worker-class',
  algorithm: '--algorithm',
  lorFeedbackMs: '--lor-feedback-ms',
  stickiness: '--stickiness',
  containerMemoryMb: '--container-memory',
  storage: '--storage',
};

/** Reads validate's declared sizing (instance, instances, tasks, workers, workerClass, algorithm; all optional). */
export function declaredSizing(raw: unknown, where: string): PartialSizing {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new UserError(`${where}: field "sizing" must be an object (got ${shown(raw)})`);
  const s = raw as Record<string, unknown>;
  const out: PartialSizing = {};
  const bad = (key: string, expected: string) => new UserError(`${where}: sizing.${key} must be ${expected} (got ${shown(s[key])})`);
  const whole = (key: 'instances' | 'tasks') => {
    if (s[key] === undefined || s[key] === null) return;
    if (typeof s[key] !== 'number' || !Number.isInteger(s[key]) || (s[key] as number) < 1) throw bad(key, 'a whole number >= 1');
    out[key] = s[key] as number;
  };
  if (s.instance !== undefined && s.instance !== null) {
    if (typeof s.instance !== 'string' || s.instance.trim() === '') throw bad('instance', 'an instance type name');
    out.instance = s.instance;
  }
  whole('instances');
  whole('tasks');
  if (s.workers !== undefined && s.workers !== null) {
    if (s.workers === 'auto') out.workers = 'auto';
    else if (typeof s.workers === 'number' && Number.isInteger(s.workers) && s.workers >= 1) out.workers = s.workers;
    else throw bad('workers', 'a whole number >= 1 or "auto"');
  }
  if (s.workerClass !== undefined && s.workerClass !== null) {
    if (s.workerClass !== 'gevent' && s.workerClass !== 'sync') throw bad('workerClass', '"gevent" or "sync"');
    out.workerClass = s.workerClass;
  }
  if (s.algorithm !== undefined && s.algorithm !== null) {
    if (s.algorithm !== 'round_robin' && s.algorithm !== 'least_outstanding_requests') throw bad('algorithm', '"round_robin" or "least_outstanding_requests"');
    out.algorithm = s.algorithm;
  }
  for (const key of ['vcpus', 'memoryGiB', 'lorFeedbackMs', 'containerMemoryMb'] as const) {
    if (s[key] === undefined || s[key] === null) continue;
    if (typeof s[key] !== 'number' || !Number.isFinite(s[key]) || (s[key] as number) < 0) throw bad(key, 'a number >= 0');
    out[key] = s[key] as number;
  }
  if (s.storage !== undefined && s.storage !== null) {
    if (s.storage !== 'efs' && s.storage !== 'local') throw bad('storage', '"efs" or "local"');
    out.storage = s.storage;
  }
  if (s.stickiness !== undefined && s.stickiness !== null) {
    if (!(STICKINESS_CHOICES as readonly unknown[]).includes(s.stickiness)) throw bad('stickiness', '"on" or "off"');
    out.stickiness = s.stickiness as StickinessChoice;
  }
  return out;
}

export interface AssembledSizing {
  request: SizingRequest;
  resolved: ResolvedSizing;
  /** Where each field came from: 'run', 'sidecar', 'flags' or 'default'. */
  sources: Record<string, string>;
}

/** Merges run, sidecar and flag sizings (see the module comment), validates and places it. */
export function assembleSizing(runOwn: PartialSizing, sidecar: PartialSizing, flags: PartialSizing, where: string, sidecarPath?: string): AssembledSizing {
  const merged: PartialSizing = {};
  const sources: Record<string, string> = {};
  const keys = Object.keys(FLAG_NAMES) as (keyof PartialSizing)[];
  for (const key of keys) {
    const own = sidecar[key] !== undefined ? sidecar[key] : runOwn[key];
    const ownSource = sidecar[key] !== undefined ? 'sidecar' : 'run';
    const flag = flags[key];
    if (own !== undefined) {
      if (flag !== undefined && flag !== own) {
        const from = ownSource === 'sidecar' ? (sidecarPath ?? 'its sidecar') : 'the run file';
        throw new UserError(`${where}: ${FLAG_NAMES[key]} ${flag} contradicts ${key} ${JSON.stringify(own)} stated by ${from}; drop the flag or correct the sidecar`);
      }
      (merged as Record<string, unknown>)[key] = own;
      sources[key] = ownSource;
    } else if (flag !== undefined) {
      (merged as Record<string, unknown>)[key] = flag;
      sources[key] = 'flags';
    }
  }
  const missing = (['instance', 'tasks', 'workers'] as const).filter((k) => merged[k] === undefined);
  if (missing.length > 0) {
    throw new UserError(
      `${where}: no ${missing.join(', ')} for this run: give ${missing.map((k) => FLAG_NAMES[k]).join(' ')} or a sidecar ${sidecarPath ?? `${where}.sizing.json`} (see capsim calibrate --help)`,
    );
  }
  if (merged.workerClass === undefined) sources.workerClass = 'default';
  if (merged.algorithm === undefined) sources.algorithm = 'default';
  const containerMemoryMb = merged.containerMemoryMb;
  const workers = merged.workers === 'auto' ? autoWorkers(containerMemoryMb ?? MODULE_PLACEMENT_RULES.defaultContainerMemoryMb) : (merged.workers as number);
  const request: SizingRequest = {
    instance: merged.instance as string,
    tasks: merged.tasks as number,
    workers,
    workerClass: merged.workerClass ?? 'gevent',
    algorithm: merged.algorithm ?? 'round_robin',
  };
  if (merged.vcpus !== undefined) request.vcpus = merged.vcpus;
  if (merged.memoryGiB !== undefined) request.memoryGiB = merged.memoryGiB;
  if (merged.instances !== undefined) request.instances = merged.instances;
  if (merged.lorFeedbackMs !== undefined) request.lorFeedbackMs = merged.lorFeedbackMs;
  if (containerMemoryMb !== undefined) request.containerMemoryMb = containerMemoryMb;
  if (merged.storage !== undefined) request.storage = merged.storage;
  if (merged.stickiness !== undefined) request.stickiness = merged.stickiness === 'on';
  try {
    return { request, resolved: resolveSizing(request), sources };
  } catch (error) {
    if (error instanceof UserError) throw new UserError(`${where}: ${error.message}`, error.exitCode);
    throw error;
  }
}
