import { UserError } from '../errors.js';
import { expectObject, readJsonFile, shown } from '../input/data-file.js';
import { packagePath } from '../package-root.js';

/** Every parameter the stack model reads; models/parameters.json must define exactly these. */
export const PARAMETER_NAMES = [
  'service.requestCpuMs',
  'service.walkCpuPerFileMs',
  'service.hashCpuMsPerMB',
  'service.sendCpuMsPerMB',
  'service.redirectWalks',
  'service.simpleWalks',
  'service.wheelWalks',
  'service.healthCpuMs',
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
  'alb.lorFeedbackMs',
  'alb.surgeConnectionsPerSecond',
  'alb.surgeConnectFailureProb',
  'ecs.taskStartS',
  'nginx.processingMs',
  'nginx.proxyReadTimeoutS',
  'client.rttMs',
  'client.burstSpreadMs',
  'client.burstDispatchMsPerInstall',
  'client.connectTimeoutS',
] as const;

export type ParameterName = (typeof PARAMETER_NAMES)[number];

/** Resolved parameter values by name. */
export type ModelParameters = Readonly<Record<ParameterName, number>>;

export interface ParameterDoc {
  value: number;
  unit: string;
  description: string;
}

/** Parameters that must be whole numbers, and their bounds; everything else is a number >= 0. */
const RULES: Partial<Record<ParameterName, { integer?: boolean; min?: number; max?: number }>> = {
  'alb.nodes': { integer: true, min: 1, max: 10 },
  'alb.unhealthyThreshold': { integer: true, min: 1, max: 10 },
  'alb.healthyThreshold': { integer: true, min: 1, max: 10 },
  'alb.perConnectionRouting': { integer: true, min: 0, max: 1 },
  'gunicorn.backlog': { integer: true, min: 1 },
  'gunicorn.workerConnections': { integer: true, min: 1 },
  'storage.attrCacheMissRate': { min: 0, max: 1 },
  'storage.readdirMissRate': { min: 0, max: 1 },
  'cpu.creditInitialFraction': { min: 0, max: 1 },
  'alb.surgeConnectFailureProb': { min: 0, max: 1 },
  'service.cpuCv': { min: 0, max: 5 },
  'storage.nfsLatencyCv': { min: 0, max: 5 },
};

export function isParameterName(name: string): name is ParameterName {
  return (PARAMETER_NAMES as readonly string[]).includes(name);
}

/** Checks one value against its parameter's rule; returns an error text or undefined. */
export function parameterProblem(name: ParameterName, value: unknown): string | undefined {
  const rule = RULES[name] ?? {};
  const min = rule.min ?? 0;
  if (typeof value !== 'number' || !Number.isFinite(value)) return `must be a number (got ${shown(value)})`;
  if (rule.integer && !Number.isInteger(value)) return `must be a whole number (got ${value})`;
  if (value < min) return `must be >= ${min} (got ${value})`;
  if (rule.max !== undefined && value > rule.max) return `must be <= ${rule.max} (got ${value})`;
  return undefined;
}

let shipped: { values: ModelParameters; docs: Record<ParameterName, ParameterDoc> } | undefined;

/** Loads and validates a parameters file (default models/parameters.json). */
export function loadParameterDefaults(path = packagePath('models', 'parameters.json')): { values: ModelParameters; docs: Record<ParameterName, ParameterDoc> } {
  const root = expectObject(readJsonFile(path, 'parameters file'), path);
  const params = expectObject(root.parameters, `${path}: field "parameters"`);
  const values = {} as Record<ParameterName, number>;
  const docs = {} as Record<ParameterName, ParameterDoc>;
  for (const key of Object.keys(params)) {
    if (!isParameterName(key)) throw new UserError(`${path}: unknown parameter "${key}"`);
  }
  for (const name of PARAMETER_NAMES) {
    const entry = params[name];
    if (entry === undefined) throw new UserError(`${path}: parameter "${name}" is missing`);
    const doc = expectObject(entry, `${path}: parameter "${name}"`);
    const problem = parameterProblem(name, doc.value);
    if (problem) throw new UserError(`${path}: parameter "${name}": value ${problem}`);
    if (typeof doc.unit !== 'string' || typeof doc.description !== 'string' || doc.description === '') {
      throw new UserError(`${path}: parameter "${name}" needs a "unit" string and a "description"`);
    }
    values[name] = doc.value as number;
    docs[name] = { value: doc.value as number, unit: doc.unit, description: doc.description };
  }
  return { values, docs };
}

/** The shipped defaults (models/parameters.json), loaded once. */
export function defaultParameters(): ModelParameters {
  shipped ??= loadParameterDefaults();
  return shipped.values;
}

/** Defaults with `overrides` applied; every override is validated, `where` names its source. */
export function withOverrides(base: ModelParameters, overrides: Record<string, unknown>, where: string): ModelParameters {
  const out = { ...base } as Record<ParameterName, number>;
  for (const [name, value] of Object.entries(overrides)) {
    if (!isParameterName(name)) throw new UserError(`${where}: unknown parameter "${name}"`);
    const problem = parameterProblem(name, value);
    if (problem) throw new UserError(`${where}: parameter "${name}" ${problem}`);
    out[name] = value as number;
  }
  return out;
}

/** A parameter's validity rule: whole number or not, inclusive bounds (min defaults to 0, max may be absent). */
export function parameterRule(name: ParameterName): { integer: boolean; min: number; max: number | undefined } {
  const rule = RULES[name] ?? {};
  return { integer: rule.integer === true, min: rule.min ?? 0, max: rule.max };
}
