/**
 * `capsim calibrate` as a library: prepare (read and validate every input:
 * run files, parameter names, bounds, weights, base calibration, output
 * path; nothing is simulated or written) and then run (fit, identifiability,
 * leave-one-out, write the calibration file). Bad input therefore fails
 * before any work and leaves no file behind.
 */
import { existsSync, statSync } from 'node:fs';
import { checkOutputFile } from '../output/output-path.js';
import { basename, dirname, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { repositoryFiles } from '../scenario/repository.js';
import { isParameterName, type ModelParameters, type ParameterName, unknownParameterText, withOverrides } from '../model/parameters.js';
import type { StackKind } from '../model/sizing.js';
import { defaultCalibrationFor, loadCalibration } from './calibration-file.js';
import { predictCommand } from './predict-command.js';
import { fitParameters, type FitProgress, type FitRequest, type FitResult, type RunFit } from './fit.js';
import { leaveOneOut, type LeaveOneOut, LEAVE_ONE_OUT_MIN_RUNS } from './leave-one-out.js';
import { DEFAULT_WEIGHTS, type Weights } from './loss.js';
import { isMetricName, METRIC_NAMES, type MetricName } from './metrics.js';
import { type ObservedRun, readRunFiles, type RunDefaults } from './run-file.js';
import { type ParameterSensitivity, sensitivity } from './sensitivity.js';
import { parameterTransform, type Bounds } from './transform.js';
import { calibrationFileOf, writeCalibrationFile } from './write.js';

export interface CalibrateOptions {
  runFiles: string[];
  defaults: RunDefaults;
  /** Parameter names to fit. */
  fit: string[];
  bounds?: Record<string, Bounds>;
  /** Fixed parameter values on top of the base calibration (also the fit's starting values). */
  sets?: Record<string, number>;
  /** Calibration the fit starts from (name or path). */
  /** The calibration the fit starts from; absent: the one predict uses for the runs' stack kind. */
  baseCalibration?: string;
  weights?: Record<string, number>;
  replications: number;
  seed: number;
  maxEvaluations: number;
  /** Leave-one-out with >= 3 runs (default true). */
  leaveOneOut?: boolean;
  /** Where to write the calibration file (calibration/NAME.json); none = report only. */
  out?: string;
  force?: boolean;
  description?: string;
}

export interface PreparedCalibration {
  options: CalibrateOptions;
  runs: ObservedRun[];
  fit: ParameterName[];
  base: ModelParameters;
  baseName: string;
  /** Overrides the written file carries besides the fitted values (base calibration's + --set). */
  fixedOverrides: Record<string, number>;
  weights: Weights;
  stackKind: StackKind;
  out: { path: string; name: string } | null;
}

export interface CalibrationReport {
  name: string;
  out: string | null;
  /** With --out: a predict command using the file, at the first run's sizing, that works as printed from the working directory. */
  predictCommand?: string;
  stackKind: StackKind;
  base: string;
  fitted: Record<string, number>;
  start: Record<string, number>;
  space: FitResult['space'];
  /** Every override the calibration carries (fixed and fitted). */
  parameters: Record<string, number>;
  loss: number;
  startLoss: number;
  evaluations: number;
  stopReason: FitResult['stopReason'];
  replications: number;
  seed: number;
  weights: Weights;
  runs: Array<RunFit & { file: string; kind: ObservedRun['kind']; sizing: ObservedRun['sizing']; scenario: { name: string; flow: string; source: string | null; repository: ObservedRun['scenario']['repository']; files: number }; operations: number; provenance: ObservedRun['provenance'] }>;
  identifiability: ParameterSensitivity[];
  leaveOneOut: LeaveOneOut | null;
  warnings: string[];
}

const NAME_PATTERN = /^[a-z0-9][a-z0-9._-]*$/i;

function unknownParameter(name: string, flag: string): UserError {
  return new UserError(`${flag}: ${unknownParameterText(name)}`);
}

/** Reads and validates every input; throws a UserError before anything is simulated or written. */
export function prepareCalibration(options: CalibrateOptions): PreparedCalibration {
  if (!(Number.isInteger(options.replications) && options.replications >= 1)) throw new UserError(`--replications must be a whole number >= 1`);
  if (!(Number.isInteger(options.maxEvaluations) && options.maxEvaluations >= 1)) throw new UserError(`--max-evaluations must be a whole number >= 1`);
  const fit: ParameterName[] = [];
  for (const raw of options.fit) {
    const name = raw.trim();
    if (!isParameterName(name)) throw unknownParameter(name, '--fit');
    if (fit.includes(name)) throw new UserError(`--fit names ${name} twice`);
    fit.push(name);
  }
  if (fit.length === 0) throw new UserError('--fit needs at least one parameter name');
  for (const name of Object.keys(options.bounds ?? {})) {
    if (!isParameterName(name)) throw unknownParameter(name, '--bounds');
    if (!fit.includes(name)) throw new UserError(`--bounds ${name}: the parameter is not in --fit`);
  }
  const weights: Weights = { ...DEFAULT_WEIGHTS };
  for (const [name, w] of Object.entries(options.weights ?? {})) {
    if (!isMetricName(name)) throw new UserError(`--weight: unknown metric "${name}"; use one of ${METRIC_NAMES.join(', ')}`);
    if (!(Number.isFinite(w) && w >= 0)) throw new UserError(`--weight ${name}: must be a number >= 0 (got ${w})`);
    weights[name as MetricName] = w;
  }
  if (!Object.values(weights).some((w) => w > 0)) throw new UserError('--weight: every metric has weight 0; nothing to fit');

  const runs = readRunFiles(options.runFiles, options.defaults);
  const kinds = new Set(runs.map((r) => r.resolvedSizing.stackKind));
  if (kinds.size > 1) {
    throw new UserError('the runs mix AWS sizings (catalog instances) and local ones (--instance custom); one calibration describes one kind of stack');
  }
  const stackKind = runs[0].resolvedSizing.stackKind;
  // The same start predict would take for this kind of stack, so the fit refines what predict uses.
  const calibration = loadCalibration(options.baseCalibration ?? defaultCalibrationFor(stackKind));
  for (const name of Object.keys(options.sets ?? {})) if (!isParameterName(name)) throw unknownParameter(name, '--set');
  const base = withOverrides(calibration.params, options.sets ?? {}, '--set');
  // Every fitted parameter's start and bounds are checked now, not after an hour of fitting.
  for (const name of fit) parameterTransform(name, base[name], options.bounds?.[name]);

  let out: PreparedCalibration['out'] = null;
  if (options.out !== undefined) {
    const path = resolve(process.cwd(), options.out);
    if (!path.endsWith('.json')) throw new UserError(`--out must name a .json file (calibration/NAME.json), got ${options.out}`);
    const name = basename(path).slice(0, -'.json'.length);
    if (!NAME_PATTERN.test(name)) throw new UserError(`--out: "${name}" is not a usable calibration name (letters, digits, . _ - ; starting with a letter or digit)`);
    if (existsSync(path) && !options.force) throw new UserError(`--out ${options.out} already exists; pass --force to replace it`);
    checkOutputFile(options.out, '--out');
    const parent = dirname(path);
    if (existsSync(parent) && !statSync(parent).isDirectory()) throw new UserError(`--out: ${parent} is not a directory`);
    out = { path, name };
  }

  const fixedOverrides: Record<string, number> = { ...calibration.file.parameters, ...(options.sets ?? {}) };
  return { options, runs, fit, base, baseName: calibration.file.name, fixedOverrides, weights, stackKind, out };
}

/** Fits, checks identifiability, runs leave-one-out, writes the file (when --out was given). */
export function runCalibration(prepared: PreparedCalibration, onProgress?: (progress: FitProgress) => void): CalibrationReport {
  const { options, runs, fit, base, weights } = prepared;
  const simulation = { replications: options.replications, seed: options.seed };
  const request: FitRequest = { runs, base, fit, bounds: options.bounds as FitRequest['bounds'], simulation, weights, maxEvaluations: options.maxEvaluations, phase: 'fit', onProgress };
  const result = fitParameters(request);
  const warnings: string[] = [];
  if (result.stopReason === 'max-evaluations') {
    warnings.push(`the fit stopped after ${result.evaluations} evaluations (--max-evaluations) before converging; the values are the best found`);
  }
  for (const [name, value] of Object.entries(result.values)) {
    const space = result.space[name];
    const span = space.kind === 'log' ? Math.log(space.hi / space.lo) : space.hi - space.lo;
    const distance = space.kind === 'log' ? Math.min(Math.log(value / space.lo), Math.log(space.hi / value)) : Math.min(value - space.lo, space.hi - value);
    if (distance < 0.02 * span) warnings.push(`${name} = ${value} ended at the edge of its search range [${space.lo}, ${space.hi}]; widen it with --bounds`);
  }
  const identifiability = sensitivity(runs, result.params, fit, { replications: Math.max(2, options.replications), seed: options.seed }, weights);
  for (const s of identifiability) {
    if (!s.identifiable) warnings.push(`${s.parameter}: no observed metric moves when it changes by x1.5; it is not identifiable from these runs and its fitted value means nothing`);
  }
  const wantLoo = options.leaveOneOut !== false && runs.length >= LEAVE_ONE_OUT_MIN_RUNS;
  const loo = wantLoo ? leaveOneOut(request, onProgress) : null;
  const report: CalibrationReport = {
    name: prepared.out?.name ?? 'unsaved',
    out: prepared.out?.path ?? null,
    stackKind: prepared.stackKind,
    base: prepared.baseName,
    fitted: result.values,
    start: result.start,
    space: result.space,
    parameters: { ...prepared.fixedOverrides, ...result.values },
    loss: result.loss,
    startLoss: result.startLoss,
    evaluations: result.evaluations,
    stopReason: result.stopReason,
    replications: options.replications,
    seed: options.seed,
    weights,
    runs: result.runs.map((fitted, i) => {
      const run = runs[i];
      return {
        ...fitted,
        file: run.file,
        kind: run.kind,
        sizing: run.sizing,
        scenario: { name: run.scenario.name, flow: run.scenario.flow, source: run.scenario.source ?? null, repository: run.scenario.repository, files: repositoryFiles(run.scenario.repository) },
        operations: run.operations,
        provenance: run.provenance,
      };
    }),
    identifiability,
    leaveOneOut: loo,
    warnings,
  };
  if (!prepared.out) return report;
  writeCalibrationFile(prepared.out.path, calibrationFileOf(report, prepared));
  // After writing: whether `--calibration NAME` finds the file is a question of what is on disk.
  return { ...report, predictCommand: predictCommand(prepared.out.path, prepared.out.name, runs[0]) };
}
