import { relative } from 'node:path';
import { commandLine } from '../cli/report-flags.js';
import type { SizingRequest } from '../model/sizing.js';
import { calibrationPath } from './calibration-file.js';
import { scenarioPath } from '../scenario/load.js';

/** NAME when `--calibration NAME` finds `written` from `cwd`; else the path from cwd (absolute outside it). */
export function calibrationArgument(written: string, name: string, cwd = process.cwd()): string {
  try {
    if (calibrationPath(name) === written) return name;
  } catch {
    // Not found by name from here: the path works instead.
  }
  const rel = relative(cwd, written);
  return rel.startsWith('..') ? written : rel;
}

/** The sizing flags of predict that state `sizing` (what a run ran at). */
export function sizingArguments(sizing: SizingRequest): string[] {
  const args = ['--instance', sizing.instance];
  if (sizing.vcpus !== undefined) args.push('--vcpus', String(sizing.vcpus));
  if (sizing.memoryGiB !== undefined) args.push('--memory-gb', String(sizing.memoryGiB));
  if (sizing.instances !== undefined) args.push('--instances', String(sizing.instances));
  args.push('--tasks', String(sizing.tasks), '--workers', String(sizing.workers), '--worker-class', sizing.workerClass, '--algorithm', sizing.algorithm);
  if (sizing.lorFeedbackMs !== undefined) args.push('--lor-feedback-ms', String(sizing.lorFeedbackMs));
  if (sizing.stickiness !== undefined) args.push('--stickiness', sizing.stickiness ? 'on' : 'off');
  if (sizing.containerMemoryMb !== undefined) args.push('--container-memory', String(sizing.containerMemoryMb));
  return args;
}

/**
 * The predict command that uses a calibration just written, at the sizing and
 * scenario of the first run it was fitted on: a command that works as printed
 * from the working directory (the calibration by name when the lookup finds
 * it, else by path; the scenario by name when it is one).
 */
export function predictCommand(written: string, name: string, run: { sizing: SizingRequest; scenario: { name: string } }): string {
  const args = ['--calibration', calibrationArgument(written, name), ...sizingArguments(run.sizing)];
  try {
    scenarioPath(run.scenario.name);
    args.push('--scenario', run.scenario.name);
  } catch {
    // A scenario only the run file describes: predict's default scenario stands in.
  }
  return commandLine('predict', args);
}
