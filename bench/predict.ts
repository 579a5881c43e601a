/**
 * `predict` speed: the production-incident scenario at 2 x c6a.xlarge / 12 tasks
 * / 4 workers, 20 replications, against the bare typed-array heap loop run in
 * the same process (events per second of each, and their ratio).
 */
import { loadCalibration } from '../src/calibrate/calibration-file.js';
import { predict } from '../src/prediction/predict.js';
import { resolveSizing } from '../src/model/sizing.js';
import { loadScenario } from '../src/scenario/load.js';
import { bareHeapMm1 } from './bare-heap-mm1.js';

export interface PredictBench {
  replications: number;
  wallMs: number;
  events: number;
  eventsPerSecond: number;
  bareEventsPerSecond: number;
  /** bare / predict events per second. */
  ratio: number;
  p95Ms: number;
}

export function benchPredict(replications = 20): PredictBench {
  const sizing = resolveSizing({ instance: 'c6a.xlarge', tasks: 12, workers: 4, workerClass: 'gevent', algorithm: 'round_robin' });
  const scenario = loadScenario('production-incident');
  const calibration = loadCalibration();
  const input = { sizing, scenario, params: calibration.params, calibration: calibration.file.name, seed: 1 };
  predict({ ...input, replications: 2 }); // warm-up
  const started = performance.now();
  const prediction = predict({ ...input, replications });
  const wallMs = performance.now() - started;
  bareHeapMm1(50_000, 0.9, 1, 99);
  const bare = bareHeapMm1(1_000_000, 0.9, 1, 1);
  const eventsPerSecond = prediction.events / (wallMs / 1000);
  const bareEventsPerSecond = bare.events / (bare.wallMs / 1000);
  return {
    replications,
    wallMs: Math.round(wallMs),
    events: prediction.events,
    eventsPerSecond: Math.round(eventsPerSecond),
    bareEventsPerSecond: Math.round(bareEventsPerSecond),
    ratio: Number((bareEventsPerSecond / eventsPerSecond).toFixed(2)),
    p95Ms: Math.round(prediction.latencyMs.p95.mean),
  };
}
