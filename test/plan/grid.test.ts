import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { getInstanceType } from '../../src/model/catalog.js';
import { resolveSizing } from '../../src/model/sizing.js';
import { monthlyCost } from '../../src/cost/monthly-cost.js';
import { buildGrid, type GridRequest } from '../../src/plan/grid.js';

const base: GridRequest = {
  instanceTypes: ['c6a.xlarge'],
  maxInstances: 2,
  workers: [4],
  workerClasses: ['gevent'],
  algorithms: ['round_robin'],
  containerMemoryMb: [512],
  placements: 'fewest',
  repositoryBytes: 300 * 50_000,
};

describe('plan grid', () => {
  it('fewest: every task count up to N x m, each on the fewest instances (c6a.xlarge, 4 workers: m = 6)', () => {
    const grid = buildGrid(base);
    expect(grid.candidates.map((c) => [c.instances, c.tasks])).toEqual([
      [1, 1], [1, 2], [1, 3], [1, 4], [1, 5], [1, 6],
      [2, 7], [2, 8], [2, 9], [2, 10], [2, 11], [2, 12],
    ]);
    const last = grid.candidates[11];
    expect(last.tasksPerInstance).toEqual([6, 6]);
    expect(last.containerCpu).toBe(640);
    expect(last.reservationMb).toBe(384);
    expect(last.maxTasksPerInstance).toBe(6);
  });

  it('stickiness as a grid dimension: each sizing on and off, named in the id and stated in the request; absent, the stack as deployed and not named', () => {
    const grid = buildGrid({ ...base, maxInstances: 1, stickiness: [true, false] });
    expect(grid.candidates.map((c) => [c.tasks, c.stickiness])).toEqual([1, 2, 3, 4, 5, 6].flatMap((t) => [[t, true], [t, false]]));
    expect(grid.candidates[0].id).toBe('1 x c6a.xlarge, 1 task x 4 gevent workers, round_robin, stickiness on, 512 MiB');
    expect(grid.candidates[1].request.stickiness).toBe(false);
    const deployed = buildGrid({ ...base, maxInstances: 1 });
    expect(deployed.candidates.map((c) => c.stickiness)).toEqual(Array(6).fill(null));
    expect(deployed.candidates[0].id).toBe('1 x c6a.xlarge, 1 task x 4 gevent workers, round_robin, 512 MiB');
    expect('stickiness' in deployed.candidates[0].request).toBe(false);
  });

  it('all: every task count on every instance count, never an idle instance, every placement valid', () => {
    const grid = buildGrid({ ...base, placements: 'all' });
    expect(grid.candidates).toHaveLength(6 + 11); // n = 1: 1..6, n = 2: 2..12
    for (const c of grid.candidates) {
      expect(c.tasks).toBeGreaterThanOrEqual(c.instances);
      expect(Math.min(...c.tasksPerInstance)).toBeGreaterThanOrEqual(1);
      expect(resolveSizing(c.request).placement.tasksPerInstance).toEqual(c.tasksPerInstance);
    }
    expect(grid.candidates.some((c) => c.instances === 2 && c.tasks === 3)).toBe(true);
  });

  it('orders candidates by cost, with indexes in that order, and prices them like monthlyCost', () => {
    const grid = buildGrid({ ...base, instanceTypes: ['c6a.xlarge', 't3.small'], workers: [1, 4], algorithms: ['round_robin', 'least_outstanding_requests'] });
    grid.candidates.forEach((c, i) => {
      expect(c.index).toBe(i);
      if (i > 0) expect(c.costPerMonthUsd).toBeGreaterThanOrEqual(grid.candidates[i - 1].costPerMonthUsd);
      expect(c.costPerMonthUsd).toBe(monthlyCost({ instanceType: getInstanceType(c.instanceType), instances: c.instances, repositoryBytes: base.repositoryBytes }).totalUsd);
    });
    expect(grid.candidates[0].instanceType).toBe('t3.small');
    expect(new Set(grid.candidates.map((c) => c.id)).size).toBe(grid.candidates.length);
    // t3.small: m = 3 for 1 and 4 workers (memory: (2048 - 800) / 384 = 3); c6a.xlarge: 19 and 6
    expect(grid.candidates).toHaveLength(2 * (2 * 3 + 2 * 3 + 2 * 19 + 2 * 6));
  });

  it('leaves out combinations where no task fits, and says why', () => {
    const grid = buildGrid({ ...base, instanceTypes: ['t3.nano', 't3.small'] });
    expect(grid.excluded).toHaveLength(1);
    expect(grid.excluded[0].instanceType).toBe('t3.nano');
    expect(grid.excluded[0].reason).toMatch(/cannot place any task on t3\.nano.*memory/);
    expect(grid.candidates.every((c) => c.instanceType === 't3.small')).toBe(true);
  });

  for (const [label, change, pattern] of [
    ['unknown instance type', { instanceTypes: ['c6a.xlrage'] }, /unknown instance type "c6a\.xlrage".*c6a\.xlarge/],
    ['custom machine', { instanceTypes: ['custom'] }, /catalog instance types/],
    ['no workers', { workers: [] }, /--workers must list at least one value/],
    ['zero workers', { workers: [0] }, /--workers must list whole numbers >= 1/],
    ['zero instances', { maxInstances: 0 }, /--max-instances must be a whole number >= 1/],
    ['unknown algorithm', { algorithms: ['random'] }, /unknown algorithm "random"/],
    ['a huge grid', { instanceTypes: ['c6a.4xlarge'], workers: [1], maxInstances: 1000 }, /more than 20000 candidates/],
  ] as Array<[string, Partial<GridRequest>, RegExp]>) {
    it(`rejects ${label} with a UserError`, () => {
      let error: unknown;
      try {
        buildGrid({ ...base, ...change });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(UserError);
      expect((error as Error).message).toMatch(pattern);
    });
  }
});
