import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { customInstanceType, getInstanceType, shippedCatalog } from '../../src/model/catalog.js';
import { autoWorkers, containerCpuFor, placeTasks, reservationFor } from '../../src/model/placement.js';

function thrown(fn: () => unknown): UserError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return error as UserError;
  }
  throw new Error('expected a UserError, nothing was thrown');
}

describe('the documented examples (docs/stack.md, "ECS placement")', () => {
  it('c6a.xlarge, 512 MB, 4 workers: min(19, 6) = 6 per instance; 12 tasks on 2 instances', () => {
    const p = placeTasks({ instanceType: getInstanceType('c6a.xlarge'), tasks: 12, workers: 4, containerMemoryMb: 512 });
    expect(p.containerCpu).toBe(640);
    expect(p.reservationMb).toBe(384);
    expect(p.limits.memory.tasks).toBe(19);
    expect(p.limits.cpu.tasks).toBe(6);
    expect(p.maxTasksPerInstance).toBe(6);
    expect(p.bindingLimit).toBe('cpu');
    expect(p.instances).toBe(2);
    expect(p.tasksPerInstance).toEqual([6, 6]);
    expect(p.limits.cpu.formula).toBe('floor((4 x 1024 - 128) / 640) = 6');
    expect(p.limits.memory.formula).toBe('floor((8192 - 800) / 384) = 19');
  });

  it('the module defaults (512 MB, auto workers) give the same 4 workers', () => {
    const p = placeTasks({ instanceType: getInstanceType('c6a.xlarge'), tasks: 12 });
    expect(p).toMatchObject({ workers: 4, workersAuto: true, containerMemoryMb: 512, instances: 2, maxTasksPerInstance: 6 });
  });

  it("t3.small, 1 worker: memory binds at 3 per instance, the module's 2 instances x 3 tasks", () => {
    const p = placeTasks({ instanceType: getInstanceType('t3.small'), tasks: 6, workers: 1 });
    expect(p.containerCpu).toBe(190);
    expect(p.limits.cpu.tasks).toBe(10);
    expect(p.limits.memory.tasks).toBe(3);
    expect(p.bindingLimit).toBe('memory');
    expect(p.instances).toBe(2);
    expect(p.tasksPerInstance).toEqual([3, 3]);
  });

  it('t3.micro with the incident 128 MB containers: 2 tasks per instance, memory-bound', () => {
    const p = placeTasks({ instanceType: getInstanceType('t3.micro'), tasks: 2, containerMemoryMb: 128 });
    expect(p.workers).toBe(2);
    expect(p.reservationMb).toBe(96);
    expect(p.limits.memory.formula).toBe('floor((1024 - 800) / 96) = 2');
    expect(p).toMatchObject({ maxTasksPerInstance: 2, bindingLimit: 'memory', instances: 1 });
  });
});

describe('module formulas', () => {
  it('auto workers = max(2, min(8, floor(memory / 128)))', () => {
    expect([64, 128, 255, 256, 384, 512, 640, 1024, 1100, 4096].map((mb) => autoWorkers(mb))).toEqual([2, 2, 2, 2, 3, 4, 5, 8, 8, 8]);
  });

  it('container cpu and reservation', () => {
    expect(containerCpuFor(1)).toBe(190);
    expect(containerCpuFor(8)).toBe(1240);
    expect(reservationFor(512)).toBe(384);
    expect(reservationFor(1000)).toBe(750);
    expect(reservationFor(129)).toBe(96); // 96.75 rounded down
  });

  it('honours explicit container cpu and reservation', () => {
    const p = placeTasks({
      instanceType: getInstanceType('c6a.xlarge'),
      tasks: 1,
      containerCpu: 1024,
      containerMemoryMb: 1024,
      containerMemoryReservationMb: 1024,
    });
    expect(p.limits.cpu.formula).toBe('floor((4 x 1024 - 128) / 1024) = 3');
    expect(p.limits.memory.formula).toBe('floor((8192 - 800) / 1024) = 7');
    expect(p.workers).toBe(8);
  });
});

describe('spreading', () => {
  it('spreads as evenly as possible, or fills instances in turn', () => {
    const type = getInstanceType('c6a.xlarge');
    expect(placeTasks({ instanceType: type, tasks: 7, instances: 3 }).tasksPerInstance).toEqual([3, 2, 2]);
    expect(placeTasks({ instanceType: type, tasks: 7, instances: 3, spread: false }).tasksPerInstance).toEqual([6, 1, 0]);
    expect(placeTasks({ instanceType: type, tasks: 2, instances: 4 }).tasksPerInstance).toEqual([1, 1, 0, 0]);
    expect(placeTasks({ instanceType: type, tasks: 13 }).tasksPerInstance).toEqual([5, 4, 4]);
  });

  it('always places every task within the per-instance limit (seeded random requests over the catalog)', () => {
    const random = seedrandom('placement-invariants');
    const types = shippedCatalog().instances.filter((t) => t.memoryMiB >= 2048);
    for (let n = 0; n < 500; n++) {
      const type = types[Math.floor(random() * types.length)]!;
      const containerMemoryMb = [128, 256, 512, 768, 1024][Math.floor(random() * 5)]!;
      const workers = 1 + Math.floor(random() * 8);
      const tasks = 1 + Math.floor(random() * 40);
      const spread = random() < 0.5;
      let placement;
      try {
        placement = placeTasks({ instanceType: type, tasks, workers, containerMemoryMb, spread });
      } catch (error) {
        expect((error as Error).message).toMatch(/^cannot place any task on /);
        continue;
      }
      const { tasksPerInstance, maxTasksPerInstance, instances } = placement;
      expect(tasksPerInstance).toHaveLength(instances);
      expect(tasksPerInstance.reduce((a, b) => a + b, 0)).toBe(tasks);
      expect(Math.max(...tasksPerInstance)).toBeLessThanOrEqual(maxTasksPerInstance);
      expect(instances).toBe(Math.ceil(tasks / maxTasksPerInstance));
      // a task's CPU and memory reservations fit the instance's free capacity
      const perInstance = Math.max(...tasksPerInstance);
      expect(perInstance * placement.containerCpu).toBeLessThanOrEqual(type.vcpus * 1024 - 128);
      expect(perInstance * placement.reservationMb).toBeLessThanOrEqual(type.memoryMiB - 800);
      if (spread) expect(Math.max(...tasksPerInstance) - Math.min(...tasksPerInstance)).toBeLessThanOrEqual(1);
    }
  });
});

describe('impossible placements', () => {
  it('too few instances: names the limits with their arithmetic', () => {
    const error = thrown(() => placeTasks({ instanceType: getInstanceType('t3.small'), tasks: 12, instances: 1 }));
    expect(error.message).toBe(
      'cannot place 12 tasks on 1 x t3.small: at most 3 tasks fit per instance, limited by CPU and memory ' +
        '(CPU: floor((2 x 1024 - 128) / 640) = 3; memory: floor((2048 - 800) / 384) = 3); 12 tasks need 4 instances',
    );
  });

  it('names CPU when CPU binds', () => {
    const error = thrown(() => placeTasks({ instanceType: getInstanceType('c6a.large'), tasks: 3, instances: 2, workers: 8 }));
    expect(error.message).toBe(
      'cannot place 3 tasks on 2 x c6a.large: at most 1 task fits per instance, limited by CPU ' +
        '(CPU: floor((2 x 1024 - 128) / 1240) = 1; memory: floor((4096 - 800) / 384) = 8); 3 tasks need 3 instances',
    );
  });

  it('no task fits at all: names memory', () => {
    expect(thrown(() => placeTasks({ instanceType: getInstanceType('t3.micro'), tasks: 1 })).message).toBe(
      'cannot place any task on t3.micro: no task fits on one instance, limited by memory ' +
        '(CPU: floor((2 x 1024 - 128) / 640) = 3; memory: floor((1024 - 800) / 384) = 0)',
    );
    expect(thrown(() => placeTasks({ instanceType: getInstanceType('t3.nano'), tasks: 1 })).message).toContain(
      'memory: max(0, floor((512 - 800) / 384)) = 0',
    );
  });

  it('no task fits at all: names CPU', () => {
    const tiny = customInstanceType({ vcpus: 1, memoryGiB: 8 });
    expect(thrown(() => placeTasks({ instanceType: tiny, tasks: 1, workers: 8 })).message).toBe(
      'cannot place any task on custom: no task fits on one instance, limited by CPU ' +
        '(CPU: floor((1 x 1024 - 128) / 1240) = 0; memory: floor((8192 - 800) / 384) = 19)',
    );
  });

  it('rejects nonsense counts with the field named', () => {
    const type = getInstanceType('c6a.xlarge');
    expect(thrown(() => placeTasks({ instanceType: type, tasks: 0 })).message).toBe(
      'placement on c6a.xlarge: tasks must be a whole number >= 1 (got 0)',
    );
    expect(thrown(() => placeTasks({ instanceType: type, tasks: 2.5 })).message).toContain('tasks must be a whole number >= 1 (got 2.5)');
    expect(thrown(() => placeTasks({ instanceType: type, tasks: 4, workers: 0 })).message).toBe(
      'placement on c6a.xlarge: workers must be a whole number >= 1 (got 0)',
    );
    expect(thrown(() => placeTasks({ instanceType: type, tasks: 4, instances: 0 })).message).toBe(
      'placement on c6a.xlarge: instances must be a whole number >= 1 (got 0)',
    );
    expect(thrown(() => placeTasks({ instanceType: type, tasks: 4, containerMemoryMb: 0 })).message).toContain(
      'container memory (MiB) must be a whole number >= 6 (got 0)',
    );
    expect(
      thrown(() => placeTasks({ instanceType: type, tasks: 4, containerMemoryMb: 512, containerMemoryReservationMb: 600 })).message,
    ).toContain('container memory reservation (MiB) must be a whole number >= 1 <= 512 (got 600)');
  });
});
