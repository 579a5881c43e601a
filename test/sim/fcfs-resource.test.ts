import { describe, expect, it } from 'vitest';
import { FcfsResource } from '../../src/sim/fcfs-resource.js';
import { Scheduler } from '../../src/sim/scheduler.js';

describe('FcfsResource', () => {
  it('with capacity 2 and one server, rejects the third simultaneous arrival', () => {
    const s = new Scheduler();
    const r = new FcfsResource<string>(1, 2, s);
    const granted: string[] = [];
    const grant = (who: string) => granted.push(who);
    expect(r.acquire(grant, 'a')).toBe(true);
    expect(r.acquire(grant, 'b')).toBe(true);
    expect(r.acquire(grant, 'c')).toBe(false);
    expect(granted).toEqual(['a']);
    expect(r.inService).toBe(1);
    expect(r.queued).toBe(1);
    expect(r.rejected).toBe(1);
    r.release();
    expect(granted).toEqual(['a', 'b']);
    expect(r.acquire(grant, 'd')).toBe(true);
  });

  it('serves waiting customers first come first served across 2 servers', () => {
    const s = new Scheduler();
    const r = new FcfsResource<number>(2, Infinity, s);
    const order: number[] = [];
    const serve = (id: number) => {
      order.push(id);
      s.after(10, () => r.release());
    };
    for (let i = 0; i < 5; i++) r.acquire(serve, i);
    expect(order).toEqual([0, 1]);
    s.run();
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(s.now).toBe(30);
  });

  it('integrates the number in system over time (hand-computed)', () => {
    const s = new Scheduler();
    const r = new FcfsResource<null>(1, Infinity, s);
    // t=0: 2 arrive; one served 0-4, the other 4-8. Number in system: 2 on [0,4), 1 on [4,8).
    const serve = () => s.after(4, () => r.release());
    r.acquire(serve, null);
    r.acquire(serve, null);
    s.run();
    expect(s.now).toBe(8);
    expect(r.meanInSystem(8)).toBeCloseTo((2 * 4 + 1 * 4) / 8, 12);
  });

  it('refuses release without acquire and nonsense sizes', () => {
    const r = new FcfsResource(1);
    expect(() => r.release()).toThrow(/without/);
    expect(() => new FcfsResource(0)).toThrow(/servers/);
    expect(() => new FcfsResource(3, 2)).toThrow(/capacity/);
  });
});
