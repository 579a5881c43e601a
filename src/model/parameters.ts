import { UserError } from '../errors.js';
import { editDistance } from '../input/closest-names.js';
import { expectObject, readJsonFile, shown, type JsonObject } from '../input/data-file.js';
import { packagePath } from '../package-root.js';

/**
 * The model's parameters. models/parameters.json is their one schema: per
 * name its default value, unit, bounds (min and max, both required: the range
 * a real stack can show; integer or not), how calibrate searches it (scale)
 * and meaning. The code holds only the list of names it reads (typed) and
 * what each unit is in the model's units, so every conversion happens once,
 * here (ModelUnits): times become ms, memory MB (docs/model.md,
 * "Parameters and units").
 */

/** Every parameter the stack model reads; models/parameters.json must define exactly these. */
export const PARAMETER_NAMES = [
  'service.requestCpuMs',
  'service.walkCpuPerFileMs',
  'service.hashCpuMsPerMB',
  'service.sendCpuMsPerMB',
  'service.redirectWalks',
  'service.simpleWalks',
  'service.wheelWalks',
  'service.healthWalks',
  'service.cpuCv',
  'storage.nfsMetadataLatencyMs',
  'storage.nfsReadLatencyMs',
  'storage.nfsThroughputMBps',
  'storage.nfsLatencyCv',
  'storage.attrCacheMissRate',
  'storage.readdirMissRate',
  'storage.metadataKBPerFile',
  'storage.localMetadataLatencyMs',
  'storage.localReadLatencyMs',
  'memory.osOverheadMb',
  'memory.taskBaseMb',
  'memory.perWorkerMb',
  'memory.perInFlightKB',
  'memory.minFreeMb',
  'memory.swapMb',
  'memory.swapStallPerFraction',
  'cpu.creditInitialFraction',
  'cpu.contentionOverhead',
  'cpu.smtGain',
  'gunicorn.backlog',
  'gunicorn.timeoutS',
  'gunicorn.workerConnections',
  'gunicorn.workerRestartMs',
  'gunicorn.geventCpuMs',
  'alb.nodes',
  'alb.processingMs',
  'alb.idleTimeoutS',
  'alb.healthIntervalS',
  'alb.healthTimeoutS',
  'alb.unhealthyThreshold',
  'alb.healthyThreshold',
  'alb.perConnectionRouting',
  'alb.stickiness',
  'alb.stickinessDurationS',
  'alb.deregistrationDelayS',
  'alb.lorFeedbackMs',
  'alb.surgeConnectionsPerSecond',
  'alb.surgeConnectFailureProb',
  'ecs.containerHealthIntervalS',
  'ecs.containerHealthTimeoutS',
  'ecs.containerHealthRetries',
  'ecs.taskStartS',
  'nginx.processingMs',
  'nginx.proxyReadTimeoutS',
  'client.rttMs',
  'client.burstSpreadMs',
  'client.burstDispatchMsPerInstall',
  'client.connectTimeoutS',
  'autoscaling.metricPeriodS',
  'autoscaling.metricDelayS',
  'autoscaling.scaleOutDatapoints',
  'autoscaling.scaleInDatapoints',
  'autoscaling.scaleInThresholdFraction',
  'capacity.targetCapacityPercent',
  'capacity.minScalingStep',
  'capacity.maxScalingStep',
  'capacity.scaleOutDatapoints',
  'capacity.scaleInDatapoints',
  'capacity.instanceWarmupS',
  'capacity.instanceBootS',
  'capacity.asgCpuTargetPercent',
] as const;

export type ParameterName = (typeof PARAMETER_NAMES)[number];

/** Resolved parameter values by name, in the units of their schema entry. */
export type ModelParameters = Readonly<Record<ParameterName, number>>;

/**
 * The units a parameter may have: what each measures and how a value in it
 * becomes the model's unit (time: ms; memory: MB; anything else is used as is).
 */
const UNITS = {
  ms: { dimension: 'time', toModel: (v: number) => v },
  'core-ms': { dimension: 'time', toModel: (v: number) => v },
  s: { dimension: 'time', toModel: (v: number) => v * 1000 },
  MB: { dimension: 'memory', toModel: (v: number) => v },
  KB: { dimension: 'memory', toModel: (v: number) => v / 1024 },
  '': { dimension: 'other', toModel: (v: number) => v },
  '0|1': { dimension: 'other', toModel: (v: number) => v },
  'ms/MB': { dimension: 'other', toModel: (v: number) => v },
  'MB/s': { dimension: 'other', toModel: (v: number) => v },
  '1/s': { dimension: 'other', toModel: (v: number) => v },
  walks: { dimension: 'other', toModel: (v: number) => v },
  connections: { dimension: 'other', toModel: (v: number) => v },
  nodes: { dimension: 'other', toModel: (v: number) => v },
  checks: { dimension: 'other', toModel: (v: number) => v },
  datapoints: { dimension: 'other', toModel: (v: number) => v },
  instances: { dimension: 'other', toModel: (v: number) => v },
  '%': { dimension: 'other', toModel: (v: number) => v },
} as const;
export type ParameterUnit = keyof typeof UNITS;
const UNIT_NAMES = Object.keys(UNITS) as ParameterUnit[];

/**
 * How calibrate searches a parameter: `log` (the default) for magnitudes
 * (times, sizes, rates), `linear` for fractions and coefficients of variation.
 */
export const PARAMETER_SCALES = ['log', 'linear'] as const;
export type ParameterScale = (typeof PARAMETER_SCALES)[number];

/** One parameter's schema entry. */
export interface ParameterSpec {
  name: ParameterName;
  value: number;
  unit: ParameterUnit;
  /** Inclusive bounds: the range a real stack can show (both required). */
  min: number;
  max: number;
  integer: boolean;
  scale: ParameterScale;
  description: string;
}

export type ParameterSchema = Readonly<Record<ParameterName, ParameterSpec>>;

const ENTRY_KEYS = ['value', 'unit', 'min', 'max', 'integer', 'scale', 'description'];

export function isParameterName(name: string): name is ParameterName {
  return (PARAMETER_NAMES as readonly string[]).includes(name);
}

/** Checks a value against a parameter's bounds; returns an error text or undefined. */
function boundsProblem(spec: Pick<ParameterSpec, 'min' | 'max' | 'integer' | 'unit'>, value: unknown): string | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) return `must be a number (got ${shown(value)})`;
  if (spec.integer && !Number.isInteger(value)) return `must be a whole number (got ${value})`;
  const unit = spec.unit === '' || spec.unit === '0|1' ? '' : ` ${spec.unit}`;
  if (value < spec.min || value > spec.max) return `must be between ${spec.min} and ${spec.max}${unit} (got ${value})`;
  return undefined;
}

/** Every problem of a file at once: one UserError naming the file, then each problem. */
export function problemsError(where: string, problems: string[]): UserError {
  if (problems.length === 1) return new UserError(`${where}: ${problems[0]}`);
  return new UserError(`${where}: ${problems.length} problems: ${problems.join('; ')}`);
}

function parseSpec(name: ParameterName, raw: unknown, problems: string[]): ParameterSpec | undefined {
  const at = `parameter "${name}"`;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    problems.push(`${at}: expected an object (got ${shown(raw)})`);
    return undefined;
  }
  const entry = raw as JsonObject;
  const before = problems.length;
  for (const key of Object.keys(entry)) if (!ENTRY_KEYS.includes(key)) problems.push(`${at}: unknown field "${key}" (allowed: ${ENTRY_KEYS.join(', ')})`);
  const unit = entry.unit;
  if (typeof unit !== 'string' || !(UNIT_NAMES as string[]).includes(unit)) {
    problems.push(`${at}: field "unit" must be one of ${UNIT_NAMES.map((u) => `"${u}"`).join(', ')} (got ${shown(unit)})`);
  }
  if (typeof entry.description !== 'string' || entry.description.trim() === '') problems.push(`${at}: field "description" must say what it means (got ${shown(entry.description)})`);
  // Every parameter states the range a real stack can show: a value outside it is refused wherever it comes
  // from (--set, a calibration file, the fit), so that no input sends the simulation where nothing is real.
  for (const bound of ['min', 'max'] as const) {
    if (entry[bound] === undefined) problems.push(`${at}: field "${bound}" is required (every parameter states the range a real stack can show: min and max)`);
    else if (typeof entry[bound] !== 'number' || !Number.isFinite(entry[bound])) problems.push(`${at}: field "${bound}" must be a number (got ${shown(entry[bound])})`);
  }
  if (typeof entry.min === 'number' && typeof entry.max === 'number' && entry.max < entry.min) problems.push(`${at}: field "max" must be >= min (got ${entry.max} < ${entry.min})`);
  if (entry.integer !== undefined && typeof entry.integer !== 'boolean') problems.push(`${at}: field "integer" must be true or false (got ${shown(entry.integer)})`);
  if (entry.scale !== undefined && !(PARAMETER_SCALES as readonly unknown[]).includes(entry.scale)) {
    problems.push(`${at}: field "scale" must be one of ${PARAMETER_SCALES.map((s) => `"${s}"`).join(', ')} (got ${shown(entry.scale)})`);
  }
  if (problems.length > before) return undefined;
  const bounds = { min: entry.min as number, max: entry.max as number, integer: entry.integer === true, unit: unit as ParameterUnit };
  const problem = boundsProblem(bounds, entry.value);
  if (problem) {
    problems.push(`${at}: value ${problem}`);
    return undefined;
  }
  return { name, value: entry.value as number, ...bounds, scale: (entry.scale as ParameterScale | undefined) ?? 'log', description: entry.description as string };
}

/** Loads and validates a parameter schema file (default models/parameters.json); reports every problem at once. */
export function loadParameterSchema(path = packagePath('models', 'parameters.json')): ParameterSchema {
  const root = expectObject(readJsonFile(path, 'parameters file'), path);
  const params = expectObject(root.parameters, `${path}: field "parameters"`);
  const problems: string[] = [];
  for (const key of Object.keys(params)) if (!isParameterName(key)) problems.push(`unknown parameter "${key}"`);
  const schema = {} as Record<ParameterName, ParameterSpec>;
  for (const name of PARAMETER_NAMES) {
    if (params[name] === undefined) {
      problems.push(`parameter "${name}" is missing`);
      continue;
    }
    const spec = parseSpec(name, params[name], problems);
    if (spec) schema[name] = spec;
  }
  if (problems.length > 0) throw problemsError(path, problems);
  return schema;
}

let shipped: ParameterSchema | undefined;

/** The shipped schema (models/parameters.json), loaded once. */
export function parameterSchema(): ParameterSchema {
  return (shipped ??= loadParameterSchema());
}

/** The default values of a schema (the shipped one unless given). */
export function defaultParameters(schema: ParameterSchema = parameterSchema()): ModelParameters {
  const values = {} as Record<ParameterName, number>;
  for (const name of PARAMETER_NAMES) values[name] = schema[name].value;
  return values;
}

/** Checks one value against its parameter's bounds; returns an error text or undefined. */
export function parameterProblem(name: ParameterName, value: unknown): string | undefined {
  return boundsProblem(parameterSchema()[name], value);
}

/**
 * Up to three parameter names closest to a misspelt one. A name is compared
 * whole and by its part after the group ("walkCpuPerFileMs" finds
 * service.walkCpuPerFileMs), case ignored; ties keep the schema's order.
 */
export function closestParameterNames(wanted: string, count = 3): ParameterName[] {
  const target = wanted.toLowerCase();
  const distance = (name: string) => {
    const lower = name.toLowerCase();
    return Math.min(editDistance(target, lower), editDistance(target, lower.slice(lower.indexOf('.') + 1)));
  };
  return PARAMETER_NAMES.map((name, index) => ({ name, index, d: distance(name) }))
    .sort((x, y) => x.d - y.d || x.index - y.index)
    .slice(0, count)
    .map((entry) => entry.name);
}

/** `unknown parameter "x"; did you mean a, b, c? (see models/parameters.json)` */
export function unknownParameterText(name: string): string {
  return `unknown parameter "${name}"; did you mean ${closestParameterNames(name).join(', ')}? (see models/parameters.json)`;
}

/** `base` with `overrides` applied; every override is checked, all problems reported at once, `where` names their source. */
export function withOverrides(base: ModelParameters, overrides: Record<string, unknown>, where: string): ModelParameters {
  const out = { ...base } as Record<ParameterName, number>;
  const problems: string[] = [];
  for (const [name, value] of Object.entries(overrides)) {
    if (!isParameterName(name)) {
      problems.push(unknownParameterText(name));
      continue;
    }
    const problem = parameterProblem(name, value);
    if (problem) problems.push(`parameter "${name}" ${problem}`);
    else out[name] = value as number;
  }
  if (problems.length > 0) throw problemsError(where, problems);
  return out;
}

/** A parameter's validity rule: whole number or not, inclusive bounds, and how calibrate searches it. */
export function parameterRule(name: ParameterName): { integer: boolean; min: number; max: number; scale: ParameterScale } {
  const spec = parameterSchema()[name];
  return { integer: spec.integer, min: spec.min, max: spec.max, scale: spec.scale };
}

/**
 * Parameter values in the model's units: the one place a value's unit is
 * converted (s -> ms, KB -> MB). Asking for a time in ms of a parameter that
 * is not a time (or a plain value of one that is) is a programming error.
 */
export class ModelUnits {
  constructor(
    private readonly params: ModelParameters,
    private readonly schema: ParameterSchema = parameterSchema(),
  ) {}

  private converted(name: ParameterName, dimension: 'time' | 'memory' | 'other'): number {
    const unit = UNITS[this.schema[name].unit];
    if (unit.dimension !== dimension) {
      const reader = { time: 'ms', memory: 'mb', other: 'value' }[unit.dimension];
      throw new Error(`parameter ${name} is in "${this.schema[name].unit}": read it with ${reader}()`);
    }
    return unit.toModel(this.params[name]);
  }

  /** A duration, ms. */
  ms(name: ParameterName): number {
    return this.converted(name, 'time');
  }

  /** An amount of memory, MB. */
  mb(name: ParameterName): number {
    return this.converted(name, 'memory');
  }

  /** A value that is neither a time nor memory (counts, fractions, rates), as it is. */
  value(name: ParameterName): number {
    return this.converted(name, 'other');
  }
}
