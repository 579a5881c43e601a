/** Kernel speed: the kernel's M/M/1 (rho 0.9) vs the bare typed-array heap loop, in one process. */
import { Exponential } from '../src/sim/distributions.js';
import { RngStreams } from '../src/sim/rng.js';
import { simulateFcfsStation } from '../src/sim/verify/queue-models.js';
import { bareHeapMm1 } from './bare-heap-mm1.js';
import { simjsNaiveMm1 } from './simjs-naive-mm1.js';

export interface KernelBench {
  customers: number;
  kernelEventsPerSecond: number;
  bareEventsPerSecond: number;
  /** bare / kernel events per second: how many times slower the kernel is. */
  ratio: number;
  /** simjs used naively (its own queue, a Request per event) in events per second, and bare / naive. */
  simjsNaiveEventsPerSecond: number;
  simjsNaiveRatio: number;
  kernelWallMs: number;
  bareWallMs: number;
  kernelMeanResponse: number;
  bareMeanResponse: number;
  analyticMeanResponse: number;
}

export function benchKernel(customers = 1_000_000): KernelBench {
  const lambda = 0.9;
  const mu = 1;
  // Warm both up so the JIT has compiled them before timing.
  bareHeapMm1(50_000, lambda, mu, 99);
  simulateFcfsStation({ lambda, service: new Exponential(1 / mu), servers: 1, customers: 50_000, warmup: 0 }, new RngStreams(99));

  simjsNaiveMm1(50_000, lambda, mu, 99);
  const naive = simjsNaiveMm1(customers, lambda, mu, 1);
  const bare = bareHeapMm1(customers, lambda, mu, 1);
  const started = performance.now();
  const kernel = simulateFcfsStation({ lambda, service: new Exponential(1 / mu), servers: 1, customers, warmup: 0 }, new RngStreams(1));
  const kernelWallMs = performance.now() - started;
  let sum = 0;
  for (const r of kernel.responseTimes) sum += r;
  const kernelEps = kernel.events / (kernelWallMs / 1000);
  const bareEps = bare.events / (bare.wallMs / 1000);
  return {
    customers,
    kernelEventsPerSecond: Math.round(kernelEps),
    bareEventsPerSecond: Math.round(bareEps),
    ratio: Number((bareEps / kernelEps).toFixed(3)),
    simjsNaiveEventsPerSecond: Math.round(naive.events / (naive.wallMs / 1000)),
    simjsNaiveRatio: Number((bareEps / (naive.events / (naive.wallMs / 1000))).toFixed(3)),
    kernelWallMs: Math.round(kernelWallMs),
    bareWallMs: Math.round(bare.wallMs),
    kernelMeanResponse: Number((sum / kernel.responseTimes.length).toFixed(4)),
    bareMeanResponse: Number(bare.meanResponse.toFixed(4)),
    analyticMeanResponse: 1 / (mu - lambda),
  };
}
