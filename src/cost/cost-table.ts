import { UserError } from '../errors.js';
import {
  ISO_DATE,
  expectObject,
  readJsonFile,
  rejectUnknownKeys,
  requireFieldDocs,
  requireNumber,
  requireString,
  requireText,
  type JsonObject,
} from '../input/data-file.js';
import { packagePath } from '../package-root.js';

/**
 * Prices other than instances (models/costs.json): ALB, EFS, EBS root
 * volumes, CPU surplus credits, hours per month. Validated on load.
 */
export interface CostTable {
  path: string;
  region: string;
  currency: string;
  priceDate: string;
  priceBasis: string;
  source: string[];
  hoursPerMonth: number;
  /** Bytes in one billed GB (AWS meters storage in 2^30-byte GB). */
  bytesPerGb: number;
  alb: { usdPerHour: number; usdPerLcuHour: number; assumedLcu: number; lcuAssumption: string };
  efs: {
    standardStorageUsdPerGbMonth: number;
    elasticReadUsdPerGb: number;
    elasticWriteUsdPerGb: number;
    provisionedUsdPerMibpsMonth: number;
    throughputNote: string;
  };
  ebs: { rootVolumeGb: number; gp3UsdPerGbMonth: number };
  burstable: { surplusCreditUsdPerVcpuHour: number };
}

const TOP_LEVEL_KEYS = ['region', 'currency', 'priceDate', 'priceBasis', 'source', 'hoursPerMonth', 'bytesPerGb', 'alb', 'efs', 'ebs', 'burstable', 'fields'];

function section(root: JsonObject, key: string, path: string, allowed: string[]): { obj: JsonObject; at: string } {
  const at = `${path}: ${key}`;
  if (root[key] === undefined) throw new UserError(`${path}: field "${key}" is missing`);
  const obj = expectObject(root[key], at);
  rejectUnknownKeys(obj, allowed, at);
  return { obj, at };
}

/** Checks that every priced field is listed in the file's `fields` documentation. */
function requireDocumented(documented: Set<string>, names: string[], path: string): void {
  for (const name of names) {
    if (!documented.has(name)) throw new UserError(`${path}: field "${name}" is not documented in the file's "fields" list`);
  }
}

export function defaultCostTablePath(): string {
  return packagePath('models', 'costs.json');
}

/** Loads and validates a cost table; every problem is a UserError naming file, section and field. */
export function loadCostTable(path: string = defaultCostTablePath()): CostTable {
  const root = expectObject(readJsonFile(path, 'cost table'), path);
  rejectUnknownKeys(root, TOP_LEVEL_KEYS, path);
  const price = { min: 0 };
  const alb = section(root, 'alb', path, ['usdPerHour', 'usdPerLcuHour', 'assumedLcu', 'lcuAssumption']);
  const efs = section(root, 'efs', path, [
    'standardStorageUsdPerGbMonth',
    'elasticReadUsdPerGb',
    'elasticWriteUsdPerGb',
    'provisionedUsdPerMibpsMonth',
    'throughputNote',
  ]);
  const ebs = section(root, 'ebs', path, ['rootVolumeGb', 'gp3UsdPerGbMonth']);
  const burstable = section(root, 'burstable', path, ['surplusCreditUsdPerVcpuHour']);
  const table: CostTable = {
    path,
    region: requireString(root, 'region', path),
    currency: requireString(root, 'currency', path, /^[A-Z]{3}$/, 'a currency code like "USD"'),
    priceDate: requireString(root, 'priceDate', path, ISO_DATE, 'a date YYYY-MM-DD'),
    priceBasis: requireString(root, 'priceBasis', path),
    source: requireText(root, 'source', path),
    hoursPerMonth: requireNumber(root, 'hoursPerMonth', path, { above: 0, max: 744 }),
    bytesPerGb: requireNumber(root, 'bytesPerGb', path, { integer: true, above: 0 }),
    alb: {
      usdPerHour: requireNumber(alb.obj, 'usdPerHour', alb.at, price),
      usdPerLcuHour: requireNumber(alb.obj, 'usdPerLcuHour', alb.at, price),
      assumedLcu: requireNumber(alb.obj, 'assumedLcu', alb.at, { min: 0 }),
      lcuAssumption: requireString(alb.obj, 'lcuAssumption', alb.at),
    },
    efs: {
      standardStorageUsdPerGbMonth: requireNumber(efs.obj, 'standardStorageUsdPerGbMonth', efs.at, price),
      elasticReadUsdPerGb: requireNumber(efs.obj, 'elasticReadUsdPerGb', efs.at, price),
      elasticWriteUsdPerGb: requireNumber(efs.obj, 'elasticWriteUsdPerGb', efs.at, price),
      provisionedUsdPerMibpsMonth: requireNumber(efs.obj, 'provisionedUsdPerMibpsMonth', efs.at, price),
      throughputNote: requireString(efs.obj, 'throughputNote', efs.at),
    },
    ebs: {
      rootVolumeGb: requireNumber(ebs.obj, 'rootVolumeGb', ebs.at, { min: 0 }),
      gp3UsdPerGbMonth: requireNumber(ebs.obj, 'gp3UsdPerGbMonth', ebs.at, price),
    },
    burstable: {
      surplusCreditUsdPerVcpuHour: requireNumber(burstable.obj, 'surplusCreditUsdPerVcpuHour', burstable.at, price),
    },
  };
  requireDocumented(
    requireFieldDocs(root, path),
    [
      'hoursPerMonth',
      'bytesPerGb',
      'alb.usdPerHour',
      'alb.usdPerLcuHour',
      'alb.assumedLcu',
      'efs.standardStorageUsdPerGbMonth',
      'efs.elasticReadUsdPerGb',
      'efs.elasticWriteUsdPerGb',
      'efs.provisionedUsdPerMibpsMonth',
      'ebs.rootVolumeGb',
      'ebs.gp3UsdPerGbMonth',
      'burstable.surplusCreditUsdPerVcpuHour',
    ],
    path,
  );
  return table;
}

let shipped: CostTable | undefined;

/** The shipped models/costs.json, loaded once. */
export function shippedCostTable(): CostTable {
  return (shipped ??= loadCostTable());
}
