/**
 * Does a prediction describe the run it is compared with? Sizing (instance,
 * vCPUs and memory of a custom machine, instances, tasks, workers, worker
 * class, algorithm and its feedback delay, container memory, storage),
 * scenario name, flow and load (every field of the load profile, the
 * client's behaviour and the repository) must agree; a comparison of a
 * c6a.xlarge production-incident prediction with a 1-task local run says
 * nothing. Fields the run does not state are not checked, and are listed.
 */
import { declaredSizing } from '../calibrate/run-sizing.js';
import { autoWorkers } from '../model/placement.js';
import type { JsonObject } from '../input/data-file.js';

export interface Mismatch {
  /** e.g. "tasks", "scenario", "load.burstInstalls", "client.timeoutSeconds". */
  field: string;
  predicted: string;
  measured: string;
}

export interface MatchResult {
  mismatches: Mismatch[];
  /** Sizing fields the run does not state (not checked). */
  unchecked: string[];
}

const isObject = (x: unknown): x is JsonObject => typeof x === 'object' && x !== null && !Array.isArray(x);
const text = (x: unknown) => (typeof x === 'string' ? x : JSON.stringify(x));

/** Compares the primitive fields of two objects, recursively; `prefix` names them. */
function compareObjects(prefix: string, predicted: unknown, measured: unknown, out: Mismatch[]): void {
  if (!isObject(predicted) || !isObject(measured)) {
    if (text(predicted) !== text(measured)) out.push({ field: prefix, predicted: text(predicted), measured: text(measured) });
    return;
  }
  for (const key of [...new Set([...Object.keys(predicted), ...Object.keys(measured)])].sort()) {
    if (key === 'source') continue; // where the file was loaded from, not what it says
    compareObjects(`${prefix}.${key}`, predicted[key], measured[key], out);
  }
}

export function matchPredictionToRun(prediction: JsonObject, summary: JsonObject, where: string): MatchResult {
  const mismatches: Mismatch[] = [];
  const unchecked: string[] = [];
  const config = isObject(prediction.config) ? prediction.config : {};
  const sizing = isObject(summary.sizing) ? declaredSizing(summary.sizing, where) : {};
  const check = (field: string, predicted: unknown, measured: unknown) => {
    if (measured === undefined) unchecked.push(field);
    else if (text(predicted) !== text(measured)) mismatches.push({ field, predicted: text(predicted), measured: text(measured) });
  };
  check('instance', config.instanceType, sizing.instance);
  if (config.instanceType === 'custom') {
    check('vcpus', config.vcpus, sizing.vcpus);
    check('memoryGiB', typeof config.memoryMiB === 'number' ? config.memoryMiB / 1024 : undefined, sizing.memoryGiB);
  }
  check('instances', config.instances, sizing.instances);
  check('tasks', config.tasks, sizing.tasks);
  const workers = sizing.workers === 'auto' && typeof config.containerMemoryMb === 'number' ? autoWorkers(config.containerMemoryMb) : sizing.workers;
  check('workers', config.workers, workers);
  check('workerClass', config.workerClass, sizing.workerClass);
  check('algorithm', config.algorithm, sizing.algorithm);
  if (config.algorithm === 'least_outstanding_requests' && sizing.lorFeedbackMs !== undefined) check('lorFeedbackMs', config.lorFeedbackMs, sizing.lorFeedbackMs);
  if (sizing.containerMemoryMb !== undefined) check('containerMemoryMb', config.containerMemoryMb, sizing.containerMemoryMb);
  if (sizing.storage !== undefined) check('storage', config.storage, sizing.storage);

  const predicted = isObject(prediction.scenario) ? prediction.scenario : {};
  const run = isObject(summary.scenario) ? summary.scenario : null;
  check('scenario', predicted.name, run ? run.name : summary.profile);
  if (run) {
    check('flow', predicted.flow, run.flow);
    compareObjects('load', predicted.profile, run.profile, mismatches);
    compareObjects('client', predicted.client, run.client, mismatches);
    compareObjects('repository', predicted.repository, run.repository, mismatches);
  } else {
    unchecked.push('load');
  }
  return { mismatches, unchecked };
}

/** One line: "tasks 12 vs 1, load.burstInstalls 510 vs 300 (prediction vs run)"; past `max` fields, "and N more". */
export function describeMismatches(mismatches: readonly Mismatch[], max = 10): string {
  const shown = mismatches.slice(0, max).map((m) => `${m.field} ${m.predicted} vs ${m.measured}`);
  const more = mismatches.length > max ? `, and ${mismatches.length - max} more` : '';
  return `${shown.join(', ')}${more} (prediction vs run)`;
}
