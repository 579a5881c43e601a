import { UserError } from '../errors.js';
import type { InstanceType } from '../model/catalog.js';
import { checkNumber } from '../input/data-file.js';
import { shippedCostTable, type CostTable } from './cost-table.js';

/**
 * Monthly cost of a sizing: instances (on-demand) and their root volumes, the
 * ALB (base charge plus the table's assumed LCUs), EFS storage for the
 * repository, EFS throughput charges when the mode has them, and CPU surplus
 * credits for burstable instances in unlimited mode. Every price comes from
 * the instance catalog and the cost table; nothing is rounded here.
 */

export const EFS_THROUGHPUT_MODES = ['bursting', 'elastic', 'provisioned'] as const;
export type EfsThroughputMode = (typeof EFS_THROUGHPUT_MODES)[number];

export interface CostInput {
  instanceType: InstanceType;
  /** Instances running all month. */
  instances: number;
  /**
   * When autoscaling changes the instance count: the mean number of instances
   * over the month (fractional, e.g. instance-hours of a scenario / its hours),
   * billed instead of `instances`.
   */
  meanInstances?: number;
  /** Bytes stored on EFS (the repository). */
  repositoryBytes: number;
  /** Default "bursting" (no charge beyond storage). */
  efsThroughputMode?: EfsThroughputMode;
  /** Bytes read from EFS per month; required for "elastic". */
  efsReadBytesPerMonth?: number;
  /** Provisioned throughput, MiB/s; required for "provisioned". */
  provisionedThroughputMibps?: number;
  /** vCPU-hours above the earned credits per month, per instance (unlimited burstable only); default 0. */
  surplusCreditVcpuHoursPerMonth?: number;
  /** Default: the shipped models/costs.json. */
  costs?: CostTable;
}

export type CostItem =
  | 'instances'
  | 'rootVolumes'
  | 'albBase'
  | 'albLcu'
  | 'efsStorage'
  | 'efsThroughput'
  | 'cpuCredits';

/** One row of the bill: quantity x unitPriceUsd = monthlyUsd. */
export interface CostLine {
  item: CostItem;
  description: string;
  quantity: number;
  unit: string;
  unitPriceUsd: number;
  monthlyUsd: number;
}

export interface MonthlyCost {
  currency: string;
  region: string;
  priceDate: string;
  hoursPerMonth: number;
  /** Only the items that apply to this sizing. */
  lines: CostLine[];
  /** Every item, 0 where it does not apply. */
  breakdown: Record<CostItem, number>;
  totalUsd: number;
}

function line(item: CostItem, description: string, quantity: number, unit: string, unitPriceUsd: number): CostLine {
  return { item, description, quantity, unit, unitPriceUsd, monthlyUsd: quantity * unitPriceUsd };
}

export function monthlyCost(input: CostInput): MonthlyCost {
  const costs = input.costs ?? shippedCostTable();
  const where = 'cost';
  const type = input.instanceType;
  const fixed = checkNumber(input.instances, { integer: true, min: 0 }, where, 'instances');
  const instances = input.meanInstances === undefined ? fixed : checkNumber(input.meanInstances, { min: 0 }, where, 'meanInstances');
  const count = input.meanInstances === undefined ? String(instances) : `${instances.toFixed(2)} (mean under autoscaling)`;
  const repositoryBytes = checkNumber(input.repositoryBytes, { min: 0 }, where, 'repositoryBytes');
  const mode = input.efsThroughputMode ?? 'bursting';
  if (!(EFS_THROUGHPUT_MODES as readonly string[]).includes(mode)) {
    throw new UserError(`${where}: efs throughput mode must be one of ${EFS_THROUGHPUT_MODES.join(', ')} (got "${mode}")`);
  }
  const hours = costs.hoursPerMonth;
  const lines: CostLine[] = [
    line('instances', `${count} x ${type.name} on demand`, instances * hours, 'instance-hours', type.onDemandUsdPerHour),
    line('rootVolumes', `${count} x ${costs.ebs.rootVolumeGb} GB gp3 root volume`, instances * costs.ebs.rootVolumeGb, 'GB-months', costs.ebs.gp3UsdPerGbMonth),
    line('albBase', 'Application Load Balancer', hours, 'ALB-hours', costs.alb.usdPerHour),
    line('albLcu', `ALB capacity, ${costs.alb.assumedLcu} LCU assumed`, costs.alb.assumedLcu * hours, 'LCU-hours', costs.alb.usdPerLcuHour),
    line('efsStorage', 'EFS Standard storage (repository)', repositoryBytes / costs.bytesPerGb, 'GB-months', costs.efs.standardStorageUsdPerGbMonth),
  ];
  if (mode === 'elastic') {
    if (input.efsReadBytesPerMonth === undefined) {
      throw new UserError(`${where}: efs throughput mode "elastic" bills every GB read: give efsReadBytesPerMonth`);
    }
    const read = checkNumber(input.efsReadBytesPerMonth, { min: 0 }, where, 'efsReadBytesPerMonth');
    lines.push(line('efsThroughput', 'EFS Elastic Throughput reads', read / costs.bytesPerGb, 'GB read', costs.efs.elasticReadUsdPerGb));
  } else if (mode === 'provisioned') {
    if (input.provisionedThroughputMibps === undefined) {
      throw new UserError(`${where}: efs throughput mode "provisioned" needs provisionedThroughputMibps`);
    }
    const mibps = checkNumber(input.provisionedThroughputMibps, { above: 0 }, where, 'provisionedThroughputMibps');
    lines.push(line('efsThroughput', 'EFS Provisioned Throughput', mibps, 'MiB/s-months', costs.efs.provisionedUsdPerMibpsMonth));
  }
  const surplus = checkNumber(input.surplusCreditVcpuHoursPerMonth ?? 0, { min: 0 }, where, 'surplusCreditVcpuHoursPerMonth');
  if (surplus > 0 && type.burstable?.mode !== 'unlimited') {
    throw new UserError(`${where}: surplus CPU credits apply only to burstable instances in unlimited mode, not ${type.name}`);
  }
  if (type.burstable?.mode === 'unlimited') {
    lines.push(line('cpuCredits', 'CPU surplus credits (unlimited mode)', instances * surplus, 'vCPU-hours', costs.burstable.surplusCreditUsdPerVcpuHour));
  }

  const breakdown: Record<CostItem, number> = {
    instances: 0,
    rootVolumes: 0,
    albBase: 0,
    albLcu: 0,
    efsStorage: 0,
    efsThroughput: 0,
    cpuCredits: 0,
  };
  for (const entry of lines) breakdown[entry.item] += entry.monthlyUsd;
  const totalUsd = lines.reduce((sum, entry) => sum + entry.monthlyUsd, 0);
  return { currency: costs.currency, region: costs.region, priceDate: costs.priceDate, hoursPerMonth: hours, lines, breakdown, totalUsd };
}
