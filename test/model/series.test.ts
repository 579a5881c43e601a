// The series a report draws, recorded by the model: burst windows, per-operation latency distributions,
// each instance's 1-s samples, on tiny hand-built inputs with exact expectations; and on a whole
// prediction, that they agree with the figures the prediction already reports.
import { describe, expect, it } from 'vitest';
import { loadCalibration } from '../../src/calibrate/calibration-file.js';
import { InstanceSeries } from '../../src/model/instance-series.js';
import { RunRecorder } from '../../src/model/recorder.js';
import { resolveSizing } from '../../src/model/sizing.js';
import { predict } from '../../src/prediction/predict.js';
import { applyOverrides, loadScenario } from '../../src/scenario/load.js';
import { Scheduler } from '../../src/sim/scheduler.js';
import { averageDistributions, compactDistribution } from '../../src/sim/stats/distribution.js';
import { instance, machine } from './parts.js';

describe('recorder: bursts and latency distributions', () => {
  it('a burst window runs from its start to when the last running burst finished; one still running ends at the last event', () => {
    const r = new RunRecorder(['root']);
    r.burstChanged(0, true);
    r.burstChanged(2500, true); // a second burst while the first runs: the same window
    r.burstChanged(7000, false);
    r.burstChanged(60_000, true);
    r.operation(0, 60_000, 61_250, true, null);
    expect(r.bursts()).toEqual([
      { startS: 0, endS: 7 },
      { startS: 60, endS: 61.25 },
    ]);
  });

  it('keeps each operation\'s successful and failed latencies apart', () => {
    const r = new RunRecorder(['root', 'download']);
    for (const [op, ms, ok] of [[0, 10, true], [0, 30, true], [0, 20, true], [0, 5000, false], [1, 7, true]] as const) r.operation(op, 0, ms, ok, ok ? null : 'clientTimeout');
    const d = r.distributions();
    expect(d.root.ok).toEqual(compactDistribution([10, 20, 30]));
    expect(d.root.ok!.values[d.root.ok!.p.indexOf(0.5)]).toBe(20);
    expect(d.root.failed).toEqual(compactDistribution([5000]));
    expect(d.download).toEqual({ ok: compactDistribution([7]), failed: null });
  });

  it('replications combine quantile by quantile; the count is the mean per replication', () => {
    const a = compactDistribution([10, 20])!;
    const b = compactDistribution([30, 40])!;
    const avg = averageDistributions([a, b, null])!;
    expect(avg.values[0]).toBe(20);
    expect(avg.values.at(-1)).toBe(30);
    expect(avg.count).toBeCloseTo(4 / 3, 12);
    expect(averageDistributions([null])).toBeNull();
  });
});

describe('instance series', () => {
  it('records every 1-s sample once asked: CPU, iowait and available memory', () => {
    const s = new Scheduler();
    const i = instance(s, machine(1, 1000));
    expect(i.seriesData()).toBeNull();
    i.recordSeries();
    i.cpu.run(500, () => undefined);
    s.after(1000, () => i.tick());
    s.after(2000, () => {
      i.changeMemory(1, 300, 0);
      i.tick();
    });
    s.run();
    expect(i.seriesData()).toEqual({ name: 'i#1', t: [1, 2], cpu: [0.5, 0], iowait: [0, 0], memAvailableMb: [1000, 700] });
  });

  it('averages into equal bins past the point limit, each bin timed by its last sample', () => {
    const series = new InstanceSeries('x');
    for (let k = 1; k <= 5; k++) series.sample(k * 1000, k / 10, 0, 100 * k);
    const data = series.data(2);
    expect(data).toMatchObject({ name: 'x', t: [3, 5], iowait: [0, 0], memAvailableMb: [200, 450] });
    expect(data.cpu[0]).toBeCloseTo(0.2, 12);
    expect(data.cpu[1]).toBeCloseTo(0.45, 12);
    expect(series.data().t).toEqual([1, 2, 3, 4, 5]);
  });
});

describe('a prediction with its series (predict --timeline / --report)', () => {
  const sizing = resolveSizing({ instance: 'c6a.large', tasks: 3, workers: 2, workerClass: 'gevent', algorithm: 'round_robin' });
  const scenario = applyOverrides(loadScenario('production-incident'), { burstSize: 60, durationSeconds: 130 });
  const calibration = loadCalibration();
  const input = { sizing, scenario, params: calibration.params, calibration: calibration.file.name, replications: 3, seed: 1 };
  const plain = predict(input);
  const detailed = predict({ ...input, timeline: true });

  it('adds only the series: every figure is the same as without them', () => {
    const { timeline, bursts, instanceSeries, latencyDistribution, ...figures } = detailed;
    expect(figures).toEqual(plain);
    expect(timeline && bursts && instanceSeries && latencyDistribution).toBeTruthy();
  });

  it('bursts where the schedule puts them, series as long as the run, distributions whose P95 is the per-operation P95', () => {
    const p = scenario.profile;
    if (p.executor !== 'burst-iterations') throw new Error('burst-iterations expected');
    const burstIterations = Array.from({ length: 13 }, (_, k) => k).filter((k) => k >= p.firstBurstIteration && (k - p.firstBurstIteration) % p.burstEvery === 0 && k * p.iterationSeconds < p.durationSeconds);
    expect(detailed.bursts!.length).toBe(burstIterations.length);
    for (const b of detailed.bursts!) expect(b.endS).toBeGreaterThan(b.startS);
    expect(detailed.bursts![0].startS).toBeGreaterThanOrEqual(p.firstBurstIteration * p.iterationSeconds);
    expect(detailed.instanceSeries!.map((s) => s.name)).toEqual(detailed.instances.map((i) => i.name));
    for (const s of detailed.instanceSeries!) {
      // One sample a second and a last one when the run ends.
      expect(Math.abs(s.t.length - detailed.timeline!.length)).toBeLessThanOrEqual(1);
      expect(Math.max(...s.cpu)).toBeLessThanOrEqual(1);
      expect(Math.max(...s.cpu)).toBeGreaterThan(0.5); // the bursts load the instance
    }
    for (const [name, d] of Object.entries(detailed.latencyDistribution!)) {
      const ok = d.ok!;
      expect(ok.values[ok.p.indexOf(0.95)]).toBeCloseTo(detailed.perOperation[name].p95Ms.mean, 6);
      expect(ok.count).toBeCloseTo(detailed.perOperation[name].operations.mean * (1 - detailed.perOperation[name].errorRate.mean), 6);
    }
  });
});
