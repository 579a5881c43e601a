import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { customInstanceType, getInstanceType } from '../../src/model/catalog.js';
import { loadCostTable, shippedCostTable } from '../../src/cost/cost-table.js';
import { monthlyCost } from '../../src/cost/monthly-cost.js';
import { shippedJson, tempFile } from '../model/temp-data.js';

function thrown(fn: () => unknown): UserError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return error as UserError;
  }
  throw new Error('expected a UserError, nothing was thrown');
}

/** A cost table with round numbers, so the expected bill can be worked out by hand. */
function roundTable(): any {
  const data = shippedJson('costs.json');
  data.hoursPerMonth = 100;
  data.bytesPerGb = 1000;
  Object.assign(data.alb, { usdPerHour: 1, usdPerLcuHour: 0.5, assumedLcu: 2 });
  Object.assign(data.efs, { standardStorageUsdPerGbMonth: 0.25, elasticReadUsdPerGb: 0.01, provisionedUsdPerMibpsMonth: 3 });
  Object.assign(data.ebs, { rootVolumeGb: 10, gp3UsdPerGbMonth: 0.1 });
  data.burstable.surplusCreditUsdPerVcpuHour = 0.2;
  return data;
}

describe('monthly cost', () => {
  it('adds up by hand with a round-number table', () => {
    const costs = loadCostTable(tempFile(roundTable()));
    const machine = customInstanceType({ vcpus: 4, memoryGiB: 8, usdPerHour: 2 });
    const bill = monthlyCost({ instanceType: machine, instances: 3, repositoryBytes: 4000, costs });
    // instances 3 x 100 h x 2 = 600; root volumes 3 x 10 GB x 0.1 = 3; ALB 100 h x 1 = 100;
    // LCU 2 x 100 h x 0.5 = 100; EFS 4000 / 1000 = 4 GB x 0.25 = 1; total 804
    expect(bill.breakdown).toEqual({ instances: 600, rootVolumes: 3, albBase: 100, albLcu: 100, efsStorage: 1, efsThroughput: 0, cpuCredits: 0 });
    expect(bill.totalUsd).toBe(804);
    expect(bill.lines.map((l) => l.item)).toEqual(['instances', 'rootVolumes', 'albBase', 'albLcu', 'efsStorage']);
    expect(bill.lines[0]).toMatchObject({ quantity: 300, unit: 'instance-hours', unitPriceUsd: 2, monthlyUsd: 600 });
    expect(bill.hoursPerMonth).toBe(100);
  });

  it('charges EFS throughput by mode and surplus credits for unlimited T types', () => {
    const costs = loadCostTable(tempFile(roundTable()));
    const machine = customInstanceType({ vcpus: 1, memoryGiB: 1, usdPerHour: 1 });
    const elastic = monthlyCost({ instanceType: machine, instances: 1, repositoryBytes: 0, efsThroughputMode: 'elastic', efsReadBytesPerMonth: 50_000, costs });
    expect(elastic.breakdown.efsThroughput).toBeCloseTo(0.5, 12); // 50 GB x 0.01
    const provisioned = monthlyCost({ instanceType: machine, instances: 1, repositoryBytes: 0, efsThroughputMode: 'provisioned', provisionedThroughputMibps: 5, costs });
    expect(provisioned.breakdown.efsThroughput).toBe(15); // 5 MiB/s x 3
    const t3 = monthlyCost({ instanceType: getInstanceType('t3.small'), instances: 2, repositoryBytes: 0, surplusCreditVcpuHoursPerMonth: 10, costs });
    expect(t3.breakdown.cpuCredits).toBeCloseTo(4, 12); // 2 instances x 10 vCPU-h x 0.2
  });

  it('prices the FACTS final sizing from the shipped data files', () => {
    // Expected value computed here from the raw JSON, independently of the loaders.
    const instances = shippedJson('instances.json');
    const table = shippedJson('costs.json');
    const price = instances.instances.find((e: any) => e.name === 'c6a.xlarge').onDemandUsdPerHour;
    const repositoryBytes = 300 * 2_500_000;
    const hours = table.hoursPerMonth;
    const expected =
      2 * price * hours +
      2 * table.ebs.rootVolumeGb * table.ebs.gp3UsdPerGbMonth +
      table.alb.usdPerHour * hours +
      table.alb.assumedLcu * table.alb.usdPerLcuHour * hours +
      (repositoryBytes / table.bytesPerGb) * table.efs.standardStorageUsdPerGbMonth;
    const bill = monthlyCost({ instanceType: getInstanceType('c6a.xlarge'), instances: 2, repositoryBytes });
    expect(bill.totalUsd).toBeCloseTo(expected, 9);
    expect(bill.breakdown.instances).toBeCloseTo(2 * price * hours, 9);
    expect(bill.region).toBe('us-east-1');
    expect(bill.currency).toBe('USD');
    // a larger sizing of the same family costs more
    const bigger = monthlyCost({ instanceType: getInstanceType('c6a.2xlarge'), instances: 2, repositoryBytes });
    expect(bigger.totalUsd).toBeGreaterThan(bill.totalUsd);
  });

  it('rejects incomplete or nonsense inputs', () => {
    const type = getInstanceType('c6a.xlarge');
    expect(thrown(() => monthlyCost({ instanceType: type, instances: 1, repositoryBytes: 0, efsThroughputMode: 'elastic' })).message).toBe(
      'cost: efs throughput mode "elastic" bills every GB read: give efsReadBytesPerMonth',
    );
    expect(thrown(() => monthlyCost({ instanceType: type, instances: 1, repositoryBytes: 0, efsThroughputMode: 'provisioned' })).message).toContain(
      'needs provisionedThroughputMibps',
    );
    expect(thrown(() => monthlyCost({ instanceType: type, instances: -1, repositoryBytes: 0 })).message).toBe(
      'cost: instances must be a whole number >= 0 (got -1)',
    );
    expect(thrown(() => monthlyCost({ instanceType: type, instances: 1, repositoryBytes: 0, surplusCreditVcpuHoursPerMonth: 1 })).message).toBe(
      'cost: surplus CPU credits apply only to burstable instances in unlimited mode, not c6a.xlarge',
    );
    expect(thrown(() => monthlyCost({ instanceType: type, instances: 1, repositoryBytes: 0, efsThroughputMode: 'fast' as never })).message).toContain(
      'efs throughput mode must be one of bursting, elastic, provisioned',
    );
  });
});

describe('cost table validation', () => {
  it('loads the shipped table', () => {
    const table = shippedCostTable();
    expect(table.hoursPerMonth).toBe(730);
    expect(table.region).toBe('us-east-1');
  });

  it('names file, section and field', () => {
    let data = shippedJson('costs.json');
    data.alb.usdPerHour = 'cheap';
    let path = tempFile(data);
    expect(thrown(() => loadCostTable(path)).message).toBe(`${path}: alb: field "usdPerHour" must be a number >= 0 (got "cheap")`);

    data = shippedJson('costs.json');
    delete data.efs;
    path = tempFile(data);
    expect(thrown(() => loadCostTable(path)).message).toBe(`${path}: field "efs" is missing`);

    data = shippedJson('costs.json');
    data.efs.standardStoragePrice = 0.3;
    path = tempFile(data);
    expect(thrown(() => loadCostTable(path)).message).toMatch(new RegExp(`^${path}: efs: unknown field "standardStoragePrice"`));

    data = shippedJson('costs.json');
    data.hoursPerMonth = 0;
    path = tempFile(data);
    expect(thrown(() => loadCostTable(path)).message).toBe(`${path}: field "hoursPerMonth" must be a number > 0 <= 744 (got 0)`);

    data = shippedJson('costs.json');
    data.fields = data.fields.filter((f: any) => f.name !== 'alb.assumedLcu');
    path = tempFile(data);
    expect(thrown(() => loadCostTable(path)).message).toBe(`${path}: field "alb.assumedLcu" is not documented in the file's "fields" list`);

    expect(thrown(() => loadCostTable('/nonexistent/costs.json')).message).toBe('cost table /nonexistent/costs.json cannot be read (ENOENT)');
  });
});
