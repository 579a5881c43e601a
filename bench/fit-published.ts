/**
 * How calibration/published-2025.json was fitted: a random search (then a
 * local one around the best point with --center) over the fitted parameters,
 * scoring each candidate by how far its predictions (10 replications, seed 1)
 * fall outside the ranges the published figures allow. Prints one JSON line
 * per candidate and the best last.
 *
 *   node dist/bench/fit-published.js --samples 60 [--replications 10] [--seed-search a] [--center '{"service.walkCpuPerFileMs":0.56,...}']
 */
import seedrandom from 'seedrandom';
import { loadCalibration } from '../src/calibrate/calibration-file.js';
import { defaultParameters, type ModelParameters, withOverrides } from '../src/model/parameters.js';
import { predict } from '../src/prediction/predict.js';
import { resolveSizing, type SizingRequest } from '../src/model/sizing.js';
import { loadScenario } from '../src/scenario/load.js';

type Range = [number, number, 'log' | 'lin' | 'int'];

const SPACE: Record<string, Range> = {
  'service.walkCpuPerFileMs': [0.5, 0.7, 'log'],
  'storage.nfsMetadataLatencyMs': [2, 4, 'log'],
  'storage.attrCacheMissRate': [0.1, 0.16, 'log'],
  'memory.perInFlightKB': [500, 900, 'log'],
  'alb.healthyThreshold': [2, 4, 'int'],
  'ecs.taskStartS': [30, 90, 'lin'],
  'alb.surgeConnectFailureProb': [0.003, 0.008, 'log'],
  'alb.surgeConnectionsPerSecond': [100, 200, 'int'],
};

const CONFIGS: Record<string, Partial<SizingRequest> & { instance: string; tasks: number; workers: number; swap?: boolean }> = {
  final: { instance: 'c6a.xlarge', tasks: 12, workers: 4 },
  small1: { instance: 't3.small', instances: 3, tasks: 6, workers: 1 },
  small2: { instance: 't3.small', instances: 3, tasks: 6, workers: 2 },
  small4: { instance: 't3.small', instances: 3, tasks: 6, workers: 4 },
  small6: { instance: 't3.small', instances: 3, tasks: 6, workers: 6 },
  micro: { instance: 't3.micro', tasks: 2, workers: 2, containerMemoryMb: 128, swap: true },
};

const outside = (v: number, lo: number, hi: number) => {
  const x = Math.max(v, 1e-5);
  return x < lo ? Math.log(lo / x) ** 2 : x > hi ? Math.log(x / hi) ** 2 : 0;
};

/** Scores a parameter set against the published figures (0 = inside every range, with margin). */
export function publishedLoss(params: ModelParameters, replications: number): { loss: number; figures: Record<string, { errorRate: number; p95Ms: number; http5xx: number; memAvailableMinMb: number; swapUsedMaxMb: number; iowaitPeak: number }> } {
  const scenario = loadScenario('production-incident');
  const figures: ReturnType<typeof publishedLoss>['figures'] = {};
  for (const [name, { swap, ...sizing }] of Object.entries(CONFIGS)) {
    const p = predict({
      sizing: resolveSizing({ workerClass: 'gevent', algorithm: 'round_robin', ...sizing }),
      scenario,
      params: swap ? withOverrides(params, { 'memory.swapMb': 2047 }, 'fit') : params,
      calibration: 'fit',
      replications,
      seed: 1,
    });
    const host = p.instances[0];
    figures[name] = { errorRate: p.errorRate.mean, p95Ms: p.latencyMs.p95.mean, http5xx: p.http5xx.mean, memAvailableMinMb: host.memAvailableMinMb, swapUsedMaxMb: host.swapUsedMaxMb, iowaitPeak: host.iowaitPeak };
  }
  const f = figures;
  let loss = outside(f.final.errorRate, 0.0003, 0.0012) * 2 + outside(f.final.p95Ms, 12000, 16000) * 4 + (f.final.http5xx > 12 ? 1 : 0);
  loss += outside(f.small1.errorRate, 0.15, 0.24) * 2 + outside(f.small1.p95Ms, 22000, 32000);
  loss += outside(f.small4.errorRate, 0.02, 0.055) * 2 + outside(f.small6.errorRate, 0.02, 0.055) * 2;
  loss += (f.small2.errorRate > 0.9 * f.small1.errorRate ? 1 : 0) + (f.small4.errorRate > 0.9 * f.small2.errorRate ? 1 : 0);
  loss += (f.micro.memAvailableMinMb > 90 ? 1 : 0) + (f.micro.swapUsedMaxMb < 550 ? 1 : 0) + (f.micro.iowaitPeak < 0.55 ? 1 : 0);
  return { loss, figures };
}

function main(): void {
  const args = process.argv.slice(2);
  const flag = (name: string, fallback: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
  const samples = Number(flag('--samples', '40'));
  const replications = Number(flag('--replications', '10'));
  const rng = seedrandom(flag('--seed-search', 'a'));
  const center = args.includes('--center') ? (JSON.parse(flag('--center', '{}')) as Record<string, number>) : loadCalibration().file.parameters;
  const local = args.includes('--center') || args.includes('--local');
  let best: { loss: number; over: Record<string, number> } | null = null;
  for (let i = 0; i < samples; i++) {
    const over: Record<string, number> = { 'service.redirectWalks': 0 };
    for (const [name, [lo0, hi0, kind]] of Object.entries(SPACE)) {
      const c = center[name];
      const [lo, hi] = local && c !== undefined ? (kind === 'int' ? [Math.max(lo0, c - 1), Math.min(hi0, c + 1)] : [c * 0.85, c * 1.15]) : [lo0, hi0];
      const u = rng();
      over[name] = kind === 'log' ? lo * (hi / lo) ** u : kind === 'int' ? Math.round(lo + u * (hi - lo)) : lo + u * (hi - lo);
    }
    const { loss, figures } = publishedLoss(withOverrides(defaultParameters(), over, 'fit'), replications);
    if (!best || loss < best.loss) best = { loss, over };
    process.stdout.write(`${JSON.stringify({ i, loss: Number(loss.toFixed(4)), over, figures })}\n`);
  }
  process.stdout.write(`BEST ${JSON.stringify(best)}\n`);
}

if (process.argv[1]?.endsWith('fit-published.js')) main();
