import { describe, expect, it } from 'vitest';
import { Scheduler } from '../../src/sim/scheduler.js';
import { simjs } from '../../src/sim/simjs.js';

describe('simjs loader', () => {
  it('loads Sim without leaving a window global behind', () => {
    const { Sim } = simjs();
    expect(typeof Sim).toBe('function');
    expect((globalThis as { window?: unknown }).window).toBeUndefined();
  });
});

describe('Scheduler', () => {
  it('delivers events in time order, ties in scheduling order', () => {
    const s = new Scheduler();
    const seen: string[] = [];
    s.after(5, (x) => seen.push(`${x}@${s.now}`), 'c');
    s.after(1, (x) => seen.push(`${x}@${s.now}`), 'a');
    s.after(5, (x) => seen.push(`${x}@${s.now}`), 'd');
    s.after(1, (x) => seen.push(`${x}@${s.now}`), 'b');
    s.run();
    expect(seen).toEqual(['a@1', 'b@1', 'c@5', 'd@5']);
    expect(s.eventsDelivered).toBe(4);
  });

  it('lets events schedule further events and cancel pending ones', () => {
    const s = new Scheduler();
    const seen: number[] = [];
    const handle = s.after(10, () => seen.push(-1));
    s.after(2, () => {
      seen.push(s.now);
      s.after(3, () => seen.push(s.now));
      s.cancel(handle);
    });
    s.run();
    expect(seen).toEqual([2, 5]);
    expect(s.eventsDelivered).toBe(2);
  });

  it('stops at the bound of a bounded run and sets the clock to it', () => {
    const s = new Scheduler();
    const seen: number[] = [];
    for (const t of [1, 2, 3, 4]) s.after(t, () => seen.push(t));
    s.run(2.5);
    expect(seen).toEqual([1, 2]);
    expect(s.now).toBe(2.5);
  });

  it('rejects scheduling in the past or with a negative delay', () => {
    const s = new Scheduler();
    expect(() => s.after(-1, () => undefined)).toThrow(/delay/);
    s.after(5, () => expect(() => s.at(4, () => undefined)).toThrow(/past/));
    s.run();
  });

  it('keeps order correct across heap growth (10 000 random events)', () => {
    const s = new Scheduler();
    const times: number[] = [];
    let x = 12345;
    for (let i = 0; i < 10000; i++) {
      x = (x * 1103515245 + 12345) % 2147483648;
      const t = x % 1000;
      s.after(t, () => times.push(s.now));
    }
    s.run();
    expect(times.length).toBe(10000);
    for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThanOrEqual(times[i - 1]);
  });
});
