/**
 * The sidecar of a run file: `<run>.sizing.json` next to it (for run.json:
 * run.json.sizing.json or run.sizing.json). It names what the summary does
 * not hold: the sizing the run was measured at, the scenario it ran, and the
 * units of the summary when they are not capsim's. Every field is optional;
 * a field given here wins over the same field inside a validate summary.
 *
 * {
 *   "label": "t3small-1worker",
 *   "instance": "t3.small" | "custom", "vcpus": 2, "memoryGiB": 4,
 *   "instances": 2, "tasks": 6, "workers": 1 | "auto",
 *   "workerClass": "gevent" | "sync",
 *   "algorithm": "round_robin" | "least_outstanding_requests",
 *   "lorFeedbackMs": 0, "stickiness": "on" | "off", "containerMemoryMb": 512, "storage": "efs" | "local",
 *   "scenario": "production-incident" (name, or path relative to the sidecar),
 *   "overrides": { "flow", "burstSize", "baseline", "durationSeconds", "timeoutSeconds" },
 *   "latencyUnit": "ms" | "s", "errorRateUnit": "fraction" | "percent"
 * }
 */
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { checkNumber, expectObject, type JsonObject, readJsonFile, rejectUnknownKeys, shown } from '../input/data-file.js';
import type { ScenarioOverrides } from '../scenario/load.js';
import { FLOW_NAMES, type FlowName } from '../scenario/flows.js';
import { ALGORITHMS } from '../model/balancer/config.js';
import { WORKER_CLASSES } from '../model/gunicorn.js';
import { STORAGE_KINDS } from '../model/storage.js';
import { STICKINESS_CHOICES } from '../cli/sizing-flags.js';
import type { SummaryUnits } from './summary-metrics.js';
import type { PartialSizing } from './run-sizing.js';

export interface Sidecar {
  path: string;
  label?: string;
  sizing: PartialSizing;
  /** Scenario name, or an absolute path (resolved against the sidecar's directory). */
  scenario?: string;
  overrides: ScenarioOverrides;
  units: SummaryUnits;
}

const KEYS = [
  '$comment',
  'label',
  'instance',
  'vcpus',
  'memoryGiB',
  'instances',
  'tasks',
  'workers',
  'workerClass',
  'algorithm',
  'lorFeedbackMs',
  'stickiness',
  'containerMemoryMb',
  'storage',
  'scenario',
  'overrides',
  'latencyUnit',
  'errorRateUnit',
];

/** The sidecar paths tried for a run file, in order. */
export function sidecarCandidates(runPath: string): string[] {
  const candidates = [`${runPath}.sizing.json`];
  if (runPath.endsWith('.json')) candidates.push(`${runPath.slice(0, -'.json'.length)}.sizing.json`);
  return candidates;
}

/** Reads the sidecar of a run file, or returns undefined when there is none. */
export function readSidecar(runPath: string): Sidecar | undefined {
  const path = sidecarCandidates(runPath).find((p) => existsSync(p));
  if (!path) return undefined;
  return parseSidecar(readJsonFile(path, 'sidecar'), path);
}

export function parseSidecar(raw: unknown, path: string): Sidecar {
  const root = expectObject(raw, path);
  rejectUnknownKeys(root, KEYS, path);
  const sizing: PartialSizing = {};
  const str = (key: string, allowed?: readonly string[]): string | undefined => {
    const value = root[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value.trim() === '' || (allowed && !allowed.includes(value))) {
      throw new UserError(`${path}: field "${key}" must be ${allowed ? `one of ${allowed.map((a) => `"${a}"`).join(', ')}` : 'a non-empty string'} (got ${shown(value)})`);
    }
    return value;
  };
  const num = (key: string, rule: { integer?: boolean; min?: number; above?: number }): number | undefined =>
    root[key] === undefined ? undefined : checkNumber(root[key], rule, path, `field "${key}"`);

  const instance = str('instance');
  if (instance !== undefined) sizing.instance = instance;
  const vcpus = num('vcpus', { above: 0 });
  if (vcpus !== undefined) sizing.vcpus = vcpus;
  const memoryGiB = num('memoryGiB', { above: 0 });
  if (memoryGiB !== undefined) sizing.memoryGiB = memoryGiB;
  const instances = num('instances', { integer: true, min: 1 });
  if (instances !== undefined) sizing.instances = instances;
  const tasks = num('tasks', { integer: true, min: 1 });
  if (tasks !== undefined) sizing.tasks = tasks;
  if (root.workers !== undefined) sizing.workers = root.workers === 'auto' ? 'auto' : checkNumber(root.workers, { integer: true, min: 1 }, path, 'field "workers" (a whole number or "auto")');
  const workerClass = str('workerClass', WORKER_CLASSES);
  if (workerClass !== undefined) sizing.workerClass = workerClass as PartialSizing['workerClass'];
  const algorithm = str('algorithm', ALGORITHMS);
  if (algorithm !== undefined) sizing.algorithm = algorithm as PartialSizing['algorithm'];
  const lorFeedbackMs = num('lorFeedbackMs', { min: 0 });
  if (lorFeedbackMs !== undefined) sizing.lorFeedbackMs = lorFeedbackMs;
  const stickiness = str('stickiness', STICKINESS_CHOICES);
  if (stickiness !== undefined) sizing.stickiness = stickiness as PartialSizing['stickiness'];
  const containerMemoryMb = num('containerMemoryMb', { integer: true, min: 6 });
  if (containerMemoryMb !== undefined) sizing.containerMemoryMb = containerMemoryMb;
  const storage = str('storage', STORAGE_KINDS);
  if (storage !== undefined) sizing.storage = storage as PartialSizing['storage'];

  let scenario = str('scenario');
  if (scenario !== undefined && (scenario.includes('/') || scenario.endsWith('.json')) && !isAbsolute(scenario)) scenario = resolve(dirname(path), scenario);

  const units: SummaryUnits = {};
  const latencyUnit = str('latencyUnit', ['ms', 's']);
  if (latencyUnit !== undefined) units.latency = latencyUnit as 'ms' | 's';
  const errorRateUnit = str('errorRateUnit', ['fraction', 'percent']);
  if (errorRateUnit !== undefined) units.errorRate = errorRateUnit as 'fraction' | 'percent';

  return { path, label: str('label'), sizing, scenario, overrides: parseOverrides(root.overrides, path), units };
}

function parseOverrides(raw: unknown, path: string): ScenarioOverrides {
  if (raw === undefined) return {};
  const where = `${path}: overrides`;
  const o: JsonObject = expectObject(raw, where);
  rejectUnknownKeys(o, ['flow', 'burstSize', 'baseline', 'durationSeconds', 'timeoutSeconds'], where);
  const out: ScenarioOverrides = {};
  if (o.flow !== undefined) {
    if (typeof o.flow !== 'string' || !(FLOW_NAMES as readonly string[]).includes(o.flow)) {
      throw new UserError(`${where}: field "flow" must be one of ${FLOW_NAMES.join(', ')} (got ${shown(o.flow)})`);
    }
    out.flow = o.flow as FlowName;
  }
  if (o.burstSize !== undefined) out.burstSize = checkNumber(o.burstSize, { integer: true, min: 0 }, where, 'field "burstSize"');
  if (o.baseline !== undefined) out.baseline = checkNumber(o.baseline, { integer: true, min: 0 }, where, 'field "baseline"');
  if (o.durationSeconds !== undefined) out.durationSeconds = checkNumber(o.durationSeconds, { above: 0 }, where, 'field "durationSeconds"');
  if (o.timeoutSeconds !== undefined) out.timeoutSeconds = checkNumber(o.timeoutSeconds, { above: 0 }, where, 'field "timeoutSeconds"');
  return out;
}
