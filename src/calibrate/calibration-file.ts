import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { expectObject, readJsonFile, shown } from '../input/data-file.js';
import { defaultParameters, isParameterName, type ModelParameters, withOverrides } from '../model/parameters.js';
import { packagePath } from '../package-root.js';
import { STACK_KINDS, type StackKind } from '../model/sizing.js';
import { type AutoscalingSettings, settingsFromFile } from '../model/autoscaling/policy.js';

/** The calibration `predict` uses when none is named. */
export const DEFAULT_CALIBRATION = 'published-2025';
/** The calibration `predict` uses for a custom machine (the local stack) when none is named. */
export const LOCAL_CALIBRATION = 'local-stack';

/** A calibration file: parameter values that override models/parameters.json, with their provenance. */
export interface CalibrationFile {
  name: string;
  /** Which kind of stack it describes: 'aws' (ALB, ECS, EFS) or 'local' (nginx, gunicorn, local disk). */
  stackKind: StackKind;
  description: string;
  /** Parameter values (any subset of models/parameters.json). */
  parameters: Record<string, number>;
  /** Names of the parameters that were fitted (the rest were set by hand). */
  fitted: string[];
  /** Runs the fit used, and anything else the writer wants to keep (free form). */
  runs: unknown[];
  loss: number | null;
  /** Per run: observed vs predicted metrics. */
  fit: unknown[];
  notes: string[];
  /** Written by `capsim calibrate` (optional): the calibration the fit started from. */
  base?: string;
  /** Written by `capsim calibrate` (optional): how the fit ran (start, bounds, weights, replications, seed, evaluations). */
  settings?: Record<string, unknown>;
  /** Written by `capsim calibrate` (optional): which observed metrics each fitted parameter moves. */
  identifiability?: unknown[];
  /** Written by `capsim calibrate` (optional): leave-one-out prediction errors, null with fewer than 3 runs. */
  leaveOneOut?: unknown;
  /** Optional: the autoscaling the stack is deployed with (any of the policy's settings; flags override them). */
  autoscaling?: AutoscalingSettings;
}

export interface LoadedCalibration {
  file: CalibrationFile;
  path: string;
  params: ModelParameters;
}

/** Resolves NAME (calibration/NAME.json) or a path. */
export function calibrationPath(nameOrPath: string): string {
  if (/^[a-z0-9][a-z0-9._-]*$/i.test(nameOrPath) && !nameOrPath.endsWith('.json')) {
    const shipped = packagePath('calibration', `${nameOrPath}.json`);
    if (existsSync(shipped)) return shipped;
    throw new UserError(`unknown calibration "${nameOrPath}": no calibration/${nameOrPath}.json (give a name from calibration/ or a path)`);
  }
  const path = isAbsolute(nameOrPath) ? nameOrPath : resolve(process.cwd(), nameOrPath);
  if (!existsSync(path)) throw new UserError(`calibration file ${nameOrPath} does not exist`);
  return path;
}

/** Loads a calibration file and applies it to the shipped defaults. */
export function loadCalibration(nameOrPath: string = DEFAULT_CALIBRATION): LoadedCalibration {
  const path = calibrationPath(nameOrPath);
  const file = validateCalibration(readJsonFile(path, 'calibration file'), path);
  return { file, path, params: withOverrides(defaultParameters(), file.parameters, path) };
}

export function validateCalibration(raw: unknown, where: string): CalibrationFile {
  const root = expectObject(raw, where);
  if (typeof root.name !== 'string' || root.name === '') throw new UserError(`${where}: field "name" must be a non-empty string (got ${shown(root.name)})`);
  if (!(STACK_KINDS as readonly unknown[]).includes(root.stackKind)) throw new UserError(`${where}: field "stackKind" must be "aws" or "local" (got ${shown(root.stackKind)})`);
  const parameters = expectObject(root.parameters, `${where}: field "parameters"`);
  for (const [name, value] of Object.entries(parameters)) {
    if (!isParameterName(name)) throw new UserError(`${where}: parameters: unknown parameter "${name}"`);
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new UserError(`${where}: parameters: "${name}" must be a number (got ${shown(value)})`);
  }
  const fitted = root.fitted ?? [];
  if (!Array.isArray(fitted) || !fitted.every((f) => typeof f === 'string' && isParameterName(f))) {
    throw new UserError(`${where}: field "fitted" must list parameter names (got ${shown(fitted)})`);
  }
  const notes = root.notes ?? [];
  if (!Array.isArray(notes) || !notes.every((n) => typeof n === 'string')) throw new UserError(`${where}: field "notes" must be an array of strings`);
  const loss = root.loss ?? null;
  if (loss !== null && (typeof loss !== 'number' || !Number.isFinite(loss))) throw new UserError(`${where}: field "loss" must be a number or null (got ${shown(loss)})`);
  return {
    name: root.name,
    stackKind: root.stackKind as StackKind,
    description: typeof root.description === 'string' ? root.description : '',
    parameters: parameters as Record<string, number>,
    fitted: fitted as string[],
    runs: Array.isArray(root.runs) ? root.runs : [],
    loss: loss as number | null,
    fit: Array.isArray(root.fit) ? root.fit : [],
    notes: notes as string[],
    ...optionalFields(root, where),
  };
}

const STACK_WORDS: Record<StackKind, string> = {
  aws: 'an AWS stack (ALB, ECS on EC2, EFS)',
  local: 'a local stack (nginx, gunicorn, local disk)',
};

/**
 * A calibration fitted on one kind of stack says little about the other (a
 * local machine's CPU per file is not an EC2 instance's, nginx is not an ALB):
 * refuses the pair, in one line, unless `force`.
 */
export function checkStackKind(calibration: LoadedCalibration, sizingKind: StackKind, sizingName: string, force: boolean): void {
  const kind = calibration.file.stackKind;
  if (kind === sizingKind || force) return;
  throw new UserError(
    `calibration "${calibration.file.name}" (${calibration.path}) describes ${STACK_WORDS[kind]} but the sizing ${sizingName} is ${STACK_WORDS[sizingKind]}; ` +
      `use a calibration fitted on ${sizingKind === 'aws' ? 'AWS' : 'local'} runs, or pass --force`,
  );
}

/** The optional fields `capsim calibrate` adds; absent in hand-written files. */
function optionalFields(root: Record<string, unknown>, where: string): Partial<CalibrationFile> {
  const out: Partial<CalibrationFile> = {};
  if (root.base !== undefined) {
    if (typeof root.base !== 'string') throw new UserError(`${where}: field "base" must be a calibration name (got ${shown(root.base)})`);
    out.base = root.base;
  }
  if (root.settings !== undefined) out.settings = expectObject(root.settings, `${where}: field "settings"`);
  if (root.identifiability !== undefined) {
    if (!Array.isArray(root.identifiability)) throw new UserError(`${where}: field "identifiability" must be an array`);
    out.identifiability = root.identifiability;
  }
  if (root.leaveOneOut !== undefined) out.leaveOneOut = root.leaveOneOut;
  if (root.autoscaling !== undefined) out.autoscaling = settingsFromFile(root.autoscaling, where);
  return out;
}
