/**
 * Autoscaling speed: 8 hours of the ci-day scenario at 2 x c6a.xlarge / 12
 * tasks / 4 workers with autoscaling as the module deploys it (the default),
 * 3 replications, beside the same run with autoscaling off and the bare
 * typed-array heap loop in the same process (events per second of each and
 * their ratio). The bar: under 30 s here for the 3 replications.
 */
import { loadCalibration } from '../src/calibrate/calibration-file.js';
import { flagLayer } from '../src/model/autoscaling/policy.js';
import { resolveSizing } from '../src/model/sizing.js';
import { autoscalingFor } from '../src/model/stack.js';
import { predict } from '../src/prediction/predict.js';
import { loadScenario } from '../src/scenario/load.js';
import { bareHeapMm1 } from './bare-heap-mm1.js';

export interface AutoscalingBench {
  scenarioHours: number;
  replications: number;
  wallMs: number;
  /** The same 3 replications with autoscaling off. */
  wallMsOff: number;
  events: number;
  eventsPerSecond: number;
  bareEventsPerSecond: number;
  /** bare / autoscaled events per second. */
  ratio: number;
  firstScaleOutS: number;
  peakRunningTasks: number;
  instanceHours: number;
  p95Ms: number;
  p95MsOff: number;
}

export function benchAutoscaling(replications = 3): AutoscalingBench {
  const sizing = resolveSizing({ instance: 'c6a.xlarge', tasks: 12, workers: 4, workerClass: 'gevent', algorithm: 'round_robin' });
  const scenario = loadScenario('ci-day');
  const calibration = loadCalibration();
  const input = { sizing, scenario, params: calibration.params, calibration: calibration.file.name, seed: 1, replications };
  let started = performance.now();
  const on = predict(input);
  const wallMs = performance.now() - started;
  started = performance.now();
  const off = predict({ ...input, autoscaling: autoscalingFor(sizing, [flagLayer({ enabled: false })]) });
  const wallMsOff = performance.now() - started;
  bareHeapMm1(50_000, 0.9, 1, 99);
  const bare = bareHeapMm1(1_000_000, 0.9, 1, 1);
  const eventsPerSecond = on.events / (wallMs / 1000);
  const bareEventsPerSecond = bare.events / (bare.wallMs / 1000);
  const s = on.autoscaling!.summary;
  return {
    scenarioHours: Number((on.durationSeconds.mean / 3600).toFixed(2)),
    replications,
    wallMs: Math.round(wallMs),
    wallMsOff: Math.round(wallMsOff),
    events: on.events,
    eventsPerSecond: Math.round(eventsPerSecond),
    bareEventsPerSecond: Math.round(bareEventsPerSecond),
    ratio: Number((bareEventsPerSecond / eventsPerSecond).toFixed(2)),
    firstScaleOutS: Math.round(s.firstScaleOutS.mean),
    peakRunningTasks: Number(s.peakRunningTasks.mean.toFixed(1)),
    instanceHours: Number(s.instanceHours.mean.toFixed(2)),
    p95Ms: Math.round(on.latencyMs.p95.mean),
    p95MsOff: Math.round(off.latencyMs.p95.mean),
  };
}
