import { describe, expect, it } from 'vitest';
import type { GunicornTaskOptions } from '../../src/model/gunicorn.js';
import { Scheduler } from '../../src/sim/scheduler.js';
import { AnswerLog, cpuOnly, instance, machine, request, task } from './parts.js';

/** Sends `kinds` to one task at the given times; returns the answers (status, time) and the task. */
function serve(vcpus: number, sends: Array<{ at: number; kind?: 'redirect' | 'simple' | 'wheel' }>, changes: Partial<GunicornTaskOptions> = {}) {
  const s = new Scheduler();
  const host = instance(s, machine(vcpus));
  const t = task(s, host, changes);
  const log = new AnswerLog(s);
  const refused: number[] = [];
  sends.forEach((send, id) =>
    s.after(send.at, () => {
      if (!t.accept(request(id, send.kind ?? 'simple', log, null, s.now))) refused.push(id);
    }),
  );
  s.run();
  return { answers: log.answers, refused, task: t, host };
}

describe('gunicorn task', () => {
  it('sync: one worker serves one request at a time from the backlog; a redirect is a 303', () => {
    const { answers } = serve(1, [{ at: 0, kind: 'redirect' }, { at: 0 }, { at: 5 }]);
    expect(answers).toEqual([
      { id: 0, status: 303, at: 10 },
      { id: 1, status: 200, at: 20 },
      { id: 2, status: 200, at: 30 },
    ]);
  });

  it('sync: two workers on one vCPU share it (processor sharing)', () => {
    const { answers } = serve(1, [{ at: 0 }, { at: 0 }], { workers: 2 });
    expect(answers.map((a) => a.at)).toEqual([20, 20]);
  });

  it('refuses a connection when the backlog is full', () => {
    const { answers, refused } = serve(1, [{ at: 0 }, { at: 0 }, { at: 0 }], { gunicorn: { backlog: 1, timeoutMs: 30_000, workerConnections: 1000, workerRestartMs: 800 } });
    expect(refused).toEqual([2]);
    expect(answers.map((a) => a.at)).toEqual([10, 20]);
  });

  it('sync: the arbiter kills a worker at its timeout (502), restarts it, and the backlog resumes', () => {
    // 10 ms of CPU per request, 5 ms timeout, 3 ms to restart: request 0 fails at 5; request 1 starts at 8 and fails at 13.
    const { answers, task: t } = serve(1, [{ at: 0 }, { at: 0 }], { gunicorn: { backlog: 100, timeoutMs: 5, workerConnections: 1000, workerRestartMs: 3 } });
    expect(answers).toEqual([
      { id: 0, status: 502, at: 5 },
      { id: 1, status: 502, at: 13 },
    ]);
    expect(t.workerRestarts).toBe(2);
    expect(t.outstanding).toBe(0);
  });

  it('gevent: one worker accepts both, but runs their CPU one at a time (one interpreter)', () => {
    const { answers } = serve(2, [{ at: 0 }, { at: 0 }], { workerClass: 'gevent' });
    expect(answers.map((a) => a.at)).toEqual([10, 20]);
    // Two gevent workers on two vCPUs: in parallel.
    const two = serve(2, [{ at: 0 }, { at: 0 }], { workerClass: 'gevent', workers: 2 });
    expect(two.answers.map((a) => a.at)).toEqual([10, 10]);
  });

  it('gevent: a worker takes no more than worker_connections; the rest wait in the backlog', () => {
    const { answers, task: t } = serve(1, [{ at: 0 }, { at: 0 }, { at: 0 }], {
      workerClass: 'gevent',
      gunicorn: { backlog: 100, timeoutMs: 30_000, workerConnections: 1, workerRestartMs: 800 },
      demands: cpuOnly(10),
    });
    expect(answers.map((a) => a.at)).toEqual([10, 20, 30]);
    expect(t.inFlight).toBe(0);
  });

  it('counts requests in workers and in the backlog, and their memory', () => {
    const s = new Scheduler();
    const host = instance(s, machine(1, 1000));
    const t = task(s, host, { memory: { baseMb: 40, perWorkerMb: 30, perInFlightMb: 5 } });
    const log = new AnswerLog(s);
    expect(host.memoryAvailableMb).toBe(1000 - 70);
    t.accept(request(0, 'simple', log, null, 0));
    t.accept(request(1, 'simple', log, null, 0));
    // One in the worker (5 MB), one in the backlog.
    expect(t.inFlight).toBe(1);
    expect(t.outstanding).toBe(2);
    expect(host.memoryAvailableMb).toBe(1000 - 75);
    s.run();
    expect(t.outstanding).toBe(0);
    expect(host.memoryAvailableMb).toBe(1000 - 70);
  });

  it('is OOM-killed past its container limit without swap: every request it holds is reset (502) and ECS hears of it', () => {
    const s = new Scheduler();
    const host = instance(s, machine(1, 4096));
    let died = -1;
    // 100 MB of task in a 110 MB container; the second request in flight pushes it over.
    const t = task(s, host, { workers: 2, containerMemoryMb: 110, memory: { baseMb: 100, perWorkerMb: 0, perInFlightMb: 6 }, onDied: () => (died = s.now) });
    const log = new AnswerLog(s);
    s.after(1, () => t.accept(request(0, 'simple', log, null, s.now)));
    s.after(2, () => t.accept(request(1, 'simple', log, null, s.now)));
    s.run();
    expect(t.alive).toBe(false);
    expect(died).toBe(2);
    expect(log.answers).toEqual([
      { id: 0, status: 502, at: 2 },
      { id: 1, status: 502, at: 2 },
    ]);
    expect(host.taskCount).toBe(0);
    expect(t.accept(request(2, 'simple', log, null, 3))).toBe(false);
  });
});
