import { arch } from 'node:os';
import { UserError } from '../errors.js';
import { packagePath } from '../package-root.js';
import { closestNames } from '../input/closest-names.js';
import {
  ISO_DATE,
  checkNumber,
  expectArray,
  expectObject,
  rejectUnknownKeys,
  requireFieldDocs,
  requireNumber,
  requireOneOf,
  requireString,
  requireText,
  readJsonFile,
  type JsonObject,
} from '../input/data-file.js';

/**
 * The EC2 instance catalog (models/instances.json): vCPUs, memory, price and
 * CPU-credit parameters per instance type, validated on load. See the file's
 * own `fields` list for units and meanings.
 */

export const ARCHITECTURES = ['x86_64', 'arm64'] as const;
export type Architecture = (typeof ARCHITECTURES)[number];

export const CREDIT_MODES = ['unlimited', 'standard'] as const;
export type CreditMode = (typeof CREDIT_MODES)[number];

/** CPU credit parameters of a burstable (T) instance type. */
export interface BurstableSpec {
  /** Sustainable utilisation per vCPU without spending credits, fraction (t3.small: 0.2). */
  baselinePerVcpu: number;
  /** Credits earned per hour by the whole instance (1 credit = 1 vCPU-minute at 100 %). */
  creditsEarnedPerHour: number;
  /** Most earned credits the instance can bank. */
  maxCredits: number;
  mode: CreditMode;
}

export interface InstanceType {
  name: string;
  vcpus: number;
  /** Nominal memory, MiB (what AWS lists; what the module's placement formula uses). */
  memoryMiB: number;
  /** Memory the OS shows as total (`free -m`), MiB. */
  visibleMemoryMiB: number;
  architecture: Architecture;
  /** 2: a vCPU is a hyperthread; 1: a vCPU is a full core. */
  threadsPerCore: number;
  /** Single-thread speed of a physical core relative to a c6a core (the unit of the model's CPU costs); 1 for a custom machine. */
  coreSpeed: number;
  /** On-demand price, USD per hour (0 for a custom machine without a price). */
  onDemandUsdPerHour: number;
  burstable?: BurstableSpec;
  /** True for a machine described by customInstanceType (not from the catalog). */
  custom: boolean;
}

/** visibleMemoryMiB = floor(memoryMiB - fixedMiB - memoryMiB x perMiB). */
export interface VisibleMemoryRule {
  fixedMiB: number;
  perMiB: number;
}

/** Applies the catalog's visible-memory rule to a nominal memory size. */
export function visibleMemoryFor(memoryMiB: number, rule: VisibleMemoryRule): number {
  return Math.max(0, Math.floor(memoryMiB - rule.fixedMiB - memoryMiB * rule.perMiB));
}

export interface CustomInstanceSpec {
  vcpus: number;
  memoryGiB: number;
  /** Hourly price; none means 0 (a machine you already have). */
  usdPerHour?: number;
  /** Default "custom". */
  name?: string;
  /** Measured `free -m` total; default: the catalog's visible-memory rule. */
  visibleMemoryMiB?: number;
  /** Default: this machine's architecture. */
  architecture?: Architecture;
  /** Default 2 (hyperthreads), as on most x86 hosts. */
  threadsPerCore?: number;
}

/** What a catalog file states, checked. */
export interface CatalogContents {
  /** File the catalog was loaded from. */
  path: string;
  region: string;
  currency: string;
  priceDate: string;
  priceBasis: string;
  source: string[];
  visibleMemoryRule: VisibleMemoryRule;
  instances: readonly InstanceType[];
}

export class InstanceCatalog {
  private readonly byName: Map<string, InstanceType>;
  readonly path: string;
  readonly region: string;
  readonly currency: string;
  readonly priceDate: string;
  readonly priceBasis: string;
  readonly source: string[];
  readonly visibleMemoryRule: VisibleMemoryRule;
  readonly instances: readonly InstanceType[];

  constructor(contents: CatalogContents) {
    this.path = contents.path;
    this.region = contents.region;
    this.currency = contents.currency;
    this.priceDate = contents.priceDate;
    this.priceBasis = contents.priceBasis;
    this.source = contents.source;
    this.visibleMemoryRule = contents.visibleMemoryRule;
    this.instances = contents.instances;
    this.byName = new Map(contents.instances.map((type) => [type.name, type]));
  }

  names(): string[] {
    return this.instances.map((type) => type.name);
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** The named type; an unknown name is a UserError listing the closest known names. */
  get(name: string): InstanceType {
    const found = this.byName.get(name);
    if (found) return found;
    const closest = closestNames(name, this.names(), 3);
    throw new UserError(`unknown instance type "${name}"; closest: ${closest.join(', ')}`);
  }

  /** A machine that is not in the catalog (e.g. the local test stack). */
  custom(spec: CustomInstanceSpec): InstanceType {
    const where = 'custom instance';
    const vcpus = checkNumber(spec.vcpus, { above: 0 }, where, 'vcpus');
    const memoryGiB = checkNumber(spec.memoryGiB, { above: 0 }, where, 'memoryGiB');
    const usdPerHour = checkNumber(spec.usdPerHour ?? 0, { min: 0 }, where, 'usdPerHour');
    // A machine of your own is described by the cores its servers are pinned to: one thread each unless told otherwise.
    const threadsPerCore = checkNumber(spec.threadsPerCore ?? 1, { integer: true, min: 1 }, where, 'threadsPerCore');
    const memoryMiB = Math.round(memoryGiB * 1024);
    const visibleMemoryMiB =
      spec.visibleMemoryMiB === undefined
        ? visibleMemoryFor(memoryMiB, this.visibleMemoryRule)
        : checkNumber(spec.visibleMemoryMiB, { above: 0, max: memoryMiB }, where, 'visibleMemoryMiB');
    const architecture = spec.architecture ?? hostArchitecture();
    if (!(ARCHITECTURES as readonly string[]).includes(architecture)) {
      throw new UserError(`${where}: architecture must be one of ${ARCHITECTURES.join(', ')} (got "${architecture}")`);
    }
    return {
      name: spec.name ?? 'custom',
      vcpus,
      memoryMiB,
      visibleMemoryMiB,
      architecture,
      threadsPerCore,
      // A calibration of a machine of your own is in that machine's own core (local-stack.json).
      coreSpeed: 1,
      onDemandUsdPerHour: usdPerHour,
      custom: true,
    };
  }
}

function hostArchitecture(): Architecture {
  return arch() === 'arm64' ? 'arm64' : 'x86_64';
}

/** models/instances.json inside the package. */
export function defaultCatalogPath(): string {
  return packagePath('models', 'instances.json');
}

const TOP_LEVEL_KEYS = ['region', 'currency', 'priceDate', 'priceBasis', 'source', 'visibleMemoryRule', 'fields', 'instances'];
const ENTRY_KEYS = ['name', 'vcpus', 'memoryMiB', 'visibleMemoryMiB', 'architecture', 'threadsPerCore', 'coreSpeed', 'onDemandUsdPerHour', 'burstable'];
const BURSTABLE_KEYS = ['baselinePerVcpu', 'creditsEarnedPerHour', 'maxCredits', 'mode'];
const RULE_KEYS = ['fixedMiB', 'perMiB', 'formula', 'basis'];
const INSTANCE_NAME = /^[a-z][a-z0-9-]*\.[a-z0-9]+$/;

function nearlyEqual(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

function parseBurstable(value: unknown, vcpus: number, where: string): BurstableSpec {
  const at = `${where}: burstable`;
  const obj = expectObject(value, at);
  rejectUnknownKeys(obj, BURSTABLE_KEYS, at);
  const baselinePerVcpu = requireNumber(obj, 'baselinePerVcpu', at, { above: 0, max: 1 });
  const creditsEarnedPerHour = requireNumber(obj, 'creditsEarnedPerHour', at, { above: 0 });
  const maxCredits = requireNumber(obj, 'maxCredits', at, { above: 0 });
  const mode = requireOneOf(obj, 'mode', at, CREDIT_MODES);
  // One credit is one vCPU-minute, so the baseline fixes the earning rate; AWS banks 24 hours of it.
  const expectedCredits = baselinePerVcpu * vcpus * 60;
  if (!nearlyEqual(creditsEarnedPerHour, expectedCredits)) {
    throw new UserError(
      `${at}: field "creditsEarnedPerHour" must equal baselinePerVcpu x vcpus x 60 = ${baselinePerVcpu} x ${vcpus} x 60 = ${+expectedCredits.toFixed(6)} (got ${creditsEarnedPerHour})`,
    );
  }
  if (!nearlyEqual(maxCredits, 24 * creditsEarnedPerHour)) {
    throw new UserError(
      `${at}: field "maxCredits" must equal 24 x creditsEarnedPerHour = ${+(24 * creditsEarnedPerHour).toFixed(6)} (got ${maxCredits})`,
    );
  }
  return { baselinePerVcpu, creditsEarnedPerHour, maxCredits, mode };
}

function parseEntry(value: unknown, index: number, file: string, documented: Set<string>): InstanceType {
  const rawName = (value as JsonObject | null)?.name;
  const label = typeof rawName === 'string' ? ` "${rawName}"` : '';
  const where = `${file}: instances[${index}]${label}`;
  const obj = expectObject(value, where);
  rejectUnknownKeys(obj, ENTRY_KEYS, where);
  for (const key of Object.keys(obj)) {
    if (!documented.has(key)) throw new UserError(`${where}: field "${key}" is not documented in the file's "fields" list`);
  }
  const name = requireString(obj, 'name', where, INSTANCE_NAME, 'an instance type name like "c6a.xlarge"');
  const vcpus = requireNumber(obj, 'vcpus', where, { integer: true, min: 1 });
  const memoryMiB = requireNumber(obj, 'memoryMiB', where, { integer: true, min: 1 });
  const visibleMemoryMiB = requireNumber(obj, 'visibleMemoryMiB', where, { integer: true, min: 1, max: memoryMiB });
  const architecture = requireOneOf(obj, 'architecture', where, ARCHITECTURES);
  const threadsPerCore = requireNumber(obj, 'threadsPerCore', where, { integer: true, min: 1, max: 2 });
  const coreSpeed = requireNumber(obj, 'coreSpeed', where, { above: 0, max: 10 });
  const onDemandUsdPerHour = requireNumber(obj, 'onDemandUsdPerHour', where, { above: 0 });
  const type: InstanceType = { name, vcpus, memoryMiB, visibleMemoryMiB, architecture, threadsPerCore, coreSpeed, onDemandUsdPerHour, custom: false };
  if (obj.burstable !== undefined) type.burstable = parseBurstable(obj.burstable, vcpus, where);
  return type;
}

/** Loads and validates an instance catalog; every problem is a UserError naming file, entry and field. */
export function loadCatalog(path: string = defaultCatalogPath()): InstanceCatalog {
  const root = expectObject(readJsonFile(path, 'instance catalog'), path);
  rejectUnknownKeys(root, TOP_LEVEL_KEYS, path);
  const region = requireString(root, 'region', path);
  const currency = requireString(root, 'currency', path, /^[A-Z]{3}$/, 'a currency code like "USD"');
  const priceDate = requireString(root, 'priceDate', path, ISO_DATE, 'a date YYYY-MM-DD');
  const priceBasis = requireString(root, 'priceBasis', path);
  const source = requireText(root, 'source', path);
  const ruleWhere = `${path}: visibleMemoryRule`;
  const ruleObj = expectObject(root.visibleMemoryRule, ruleWhere);
  rejectUnknownKeys(ruleObj, RULE_KEYS, ruleWhere);
  const visibleMemoryRule: VisibleMemoryRule = {
    fixedMiB: requireNumber(ruleObj, 'fixedMiB', ruleWhere, { min: 0 }),
    perMiB: requireNumber(ruleObj, 'perMiB', ruleWhere, { min: 0, max: 0.5 }),
  };
  const documented = requireFieldDocs(root, path);
  const entries = expectArray(root, 'instances', path);
  if (entries.length === 0) throw new UserError(`${path}: field "instances" lists no instance type`);
  const instances = entries.map((entry, index) => parseEntry(entry, index, path, documented));
  const seen = new Map<string, number>();
  instances.forEach((type, index) => {
    const first = seen.get(type.name);
    if (first !== undefined) throw new UserError(`${path}: instances[${index}] "${type.name}" repeats instances[${first}]`);
    seen.set(type.name, index);
  });
  return new InstanceCatalog({ path, region, currency, priceDate, priceBasis, source, visibleMemoryRule, instances });
}

let defaultCatalog: InstanceCatalog | undefined;

/** The shipped catalog, loaded once. */
export function shippedCatalog(): InstanceCatalog {
  return (defaultCatalog ??= loadCatalog());
}

/** Looks up an instance type (in the shipped catalog unless one is given). */
export function getInstanceType(name: string, catalog: InstanceCatalog = shippedCatalog()): InstanceType {
  return catalog.get(name);
}

/** A machine outside the catalog, e.g. the local stack; no price means 0. */
export function customInstanceType(spec: CustomInstanceSpec, catalog: InstanceCatalog = shippedCatalog()): InstanceType {
  return catalog.custom(spec);
}
