import { describe, expect, it } from 'vitest';
import { type Datapoint, PublishedMetric } from '../../../src/model/autoscaling/cloudwatch-metric.js';
import { sampledSource } from '../../../src/model/autoscaling/instance-scaling.js';
import { Scheduler } from '../../../src/sim/scheduler.js';

/** A service whose tasks use `usedCores(t)` cores while `tasks(t)` tasks reserve 0.625 cores each (640 CPU units). */
function cpuSource(usedCores: (tMs: number) => number, tasks: (tMs: number) => number) {
  // Integrate the piecewise-constant figures at 1-s steps (exact for step functions that change on whole seconds).
  let last = 0;
  let used = 0;
  let reserved = 0;
  return {
    read(now: number) {
      for (let t = last; t < now; t += 1000) {
        used += usedCores(t) * 1000;
        reserved += tasks(t) * 0.625 * 1000;
      }
      last = now;
      return { numerator: used, denominator: reserved };
    },
  };
}

function collect(s: Scheduler, metric: PublishedMetric): Array<{ at: number; dp: Datapoint }> {
  const seen: Array<{ at: number; dp: Datapoint }> = [];
  metric.subscribe((dp) => seen.push({ at: s.now, dp }));
  return seen;
}

describe('PublishedMetric', () => {
  it('publishes one datapoint per minute, stamped with the minute it aggregates, delivered after the latency', () => {
    const s = new Scheduler();
    // 12 tasks (7.5 reserved cores) using 6.75 cores: 90 % of the reservation.
    const metric = new PublishedMetric(s, { name: 'ECSServiceAverageCPUUtilization', periodMs: 60_000, latencyMs: 45_000, factor: 100, source: cpuSource(() => 6.75, () => 12) });
    const seen = collect(s, metric);
    s.run(200_000);
    expect(seen.map((x) => x.at)).toEqual([105_000, 165_000]);
    expect(seen.map((x) => x.dp.timeMs)).toEqual([0, 60_000]);
    expect(seen.map((x) => x.dp.value)).toEqual([90, 90]);
    // The third minute has closed (180 s) but is still in transit at 200 s.
    expect(metric.datapoints.map((d) => d.timeMs)).toEqual([0, 60_000, 120_000]);
  });

  it('averages over the period: a load that starts at 30 s shows half in the first minute', () => {
    const s = new Scheduler();
    const metric = new PublishedMetric(s, { name: 'cpu', periodMs: 60_000, latencyMs: 0, factor: 100, source: cpuSource((t) => (t >= 30_000 ? 7.5 : 0), () => 12) });
    s.run(120_000);
    expect(metric.datapoints.map((d) => d.value)).toEqual([50, 100]);
  });

  it('weights tasks by the time they ran: 12 tasks, 6 more from 30 s, the same used cores', () => {
    const s = new Scheduler();
    // Used 6.75 cores throughout; reservation 7.5 cores for 30 s then 11.25 for 30 s: 6.75 x 60 / (7.5 x 30 + 11.25 x 30) = 72 %.
    const metric = new PublishedMetric(s, { name: 'cpu', periodMs: 60_000, latencyMs: 0, factor: 100, source: cpuSource(() => 6.75, (t) => (t >= 30_000 ? 18 : 12)) });
    s.run(60_000);
    expect(metric.datapoints[0].value).toBeCloseTo(72, 10);
  });

  it('has the 20-s high-resolution variant', () => {
    const s = new Scheduler();
    const metric = new PublishedMetric(s, { name: 'cpu', periodMs: 20_000, latencyMs: 0, factor: 100, source: cpuSource((t) => (t >= 20_000 ? 7.5 : 3.75), () => 12) });
    s.run(60_000);
    expect(metric.datapoints).toEqual([
      { timeMs: 0, value: 50 },
      { timeMs: 20_000, value: 100 },
      { timeMs: 40_000, value: 100 },
    ]);
  });

  it('has no datapoint for a period with nothing reserved (no task running)', () => {
    const s = new Scheduler();
    const metric = new PublishedMetric(s, { name: 'cpu', periodMs: 60_000, latencyMs: 0, factor: 100, source: cpuSource(() => 0, (t) => (t >= 60_000 ? 1 : 0)) });
    s.run(120_000);
    expect(metric.datapoints.map((d) => d.value)).toEqual([null, 0]);
  });

  it('gives a count per target per minute with factor = period (requests / mean healthy targets)', () => {
    const s = new Scheduler();
    let requests = 0;
    let targetMs = 0;
    let last = 0;
    const metric = new PublishedMetric(s, {
      name: 'ALBRequestCountPerTarget',
      periodMs: 60_000,
      latencyMs: 0,
      factor: 60_000,
      source: {
        read(now) {
          // 10 requests a second over 4 healthy targets: 600 a minute, 150 per target.
          requests += ((now - last) / 1000) * 10;
          targetMs += (now - last) * 4;
          last = now;
          return { numerator: requests, denominator: targetMs };
        },
      },
    });
    s.run(60_000);
    expect(metric.datapoints[0].value).toBe(150);
  });

  it('samples a gauge at the end of each period (sampledSource)', () => {
    const s = new Scheduler();
    let m = 2;
    s.after(90_000, () => (m = 3));
    const metric = new PublishedMetric(s, { name: 'CapacityProviderReservation', periodMs: 60_000, latencyMs: 0, factor: 100, source: sampledSource(() => ({ numerator: m, denominator: 2 })) });
    s.run(180_000);
    expect(metric.datapoints.map((d) => d.value)).toEqual([100, 150, 150]);
  });

  it('stops: no period closes and nothing in transit is delivered', () => {
    const s = new Scheduler();
    const metric = new PublishedMetric(s, { name: 'cpu', periodMs: 60_000, latencyMs: 30_000, factor: 100, source: cpuSource(() => 1, () => 2) });
    const seen = collect(s, metric);
    s.after(70_000, () => metric.stop());
    s.run();
    expect(seen).toEqual([]);
    expect(metric.datapoints.length).toBe(1);
    // Delivered: the close at 60 s and the stop at 70 s; the next close and the delivery were cancelled.
    expect(s.eventsDelivered).toBe(2);
  });
});
