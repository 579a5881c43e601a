import { Deterministic, Exponential, HyperExponential } from '../distributions.js';
import { RngStreams } from '../rng.js';
import { confidenceInterval } from '../stats/interval.js';
import { percentileOf } from '../stats/percentile.js';
import { type StationSample, simulateFcfsStation, simulatePsStation } from './queue-models.js';
import { erlangB, mg1PsResponseMean, mm1ResponseMean, mm1ResponseQuantile, mmcMeanWait } from './theory.js';

/** One comparison of the kernel against queueing theory. */
export interface TheoryCheck {
  name: string;
  metric: string;
  analytic: number;
  simulated: number;
  ciLow: number;
  ciHigh: number;
  pass: boolean;
}

export interface VerifyOptions {
  replications: number;
  seed: number;
  /** Confidence of the interval the analytic value must fall in (issue: 99 %). */
  confidence?: number;
  /** Scales customers per replication (1 = default; tests may use less). */
  length?: number;
  /** Called after each replication of each model: simulations done of all of them, and the model. */
  onProgress?: (done: number, total: number, model: string) => void;
}

/** The queueing models verify simulates (each `replications` times). */
export const VERIFY_MODELS = ['mm1', 'mmc', 'mmcc', 'ps-det', 'ps-h2'] as const;

export interface VerifyResult {
  passed: boolean;
  seed: number;
  replications: number;
  confidence: number;
  checks: TheoryCheck[];
}

function check(name: string, metric: string, analytic: number, samples: number[], confidence: number): TheoryCheck {
  const ci = confidenceInterval(samples, confidence);
  return {
    name,
    metric,
    analytic,
    simulated: ci.mean,
    ciLow: ci.ciLow,
    ciHigh: ci.ciHigh,
    pass: analytic >= ci.ciLow && analytic <= ci.ciHigh,
  };
}

function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return sum / values.length;
}

/**
 * Runs `replications` replications of a station and reduces each to its `measures` as soon as it is
 * done: the samples of one replication (tens of thousands of response times) are dropped before the
 * next starts, so memory does not grow with the replication count. Returns one array per measure.
 */
function replicate(options: VerifyOptions, salt: string, run: (streams: RngStreams) => StationSample, measures: Array<(sample: StationSample) => number>): number[][] {
  const base = new RngStreams(options.seed);
  const out = measures.map(() => [] as number[]);
  const before = VERIFY_MODELS.indexOf(salt as (typeof VERIFY_MODELS)[number]) * options.replications;
  for (let r = 0; r < options.replications; r++) {
    const streams = base.replication(r);
    const sample = run(new RngStreams(streams.seed ^ hash(salt)));
    measures.forEach((measure, m) => out[m].push(measure(sample)));
    options.onProgress?.(before + r + 1, VERIFY_MODELS.length * options.replications, salt);
  }
  return out;
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return (h >>> 0) & 0x7fffffff;
}

/**
 * Runs the kernel against closed-form queueing results. Each check runs
 * `replications` independent replications; it passes when the analytic value
 * lies inside the simulation's confidence interval (99 % by default).
 */
export function runTheoryChecks(options: VerifyOptions): VerifyResult {
  const confidence = options.confidence ?? 0.99;
  const scale = options.length ?? 1;
  const n = (customers: number) => Math.max(2000, Math.round(customers * scale));
  const checks: TheoryCheck[] = [];

  // M/M/1, rho = 0.7: response time ~ Exp(mu - lambda).
  const mm1 = { lambda: 0.7, mu: 1 };
  const [mm1Mean, mm1P95] = replicate(
    options,
    'mm1',
    (s) => simulateFcfsStation({ lambda: mm1.lambda, service: new Exponential(1 / mm1.mu), servers: 1, customers: n(60000), warmup: n(6000) }, s),
    [(r) => mean(r.responseTimes), (r) => percentileOf(r.responseTimes, 0.95)],
  );
  checks.push(check('M/M/1 (rho 0.7)', 'mean response time', mm1ResponseMean(mm1.lambda, mm1.mu), mm1Mean, confidence));
  checks.push(check('M/M/1 (rho 0.7)', 'P95 response time', mm1ResponseQuantile(mm1.lambda, mm1.mu, 0.95), mm1P95, confidence));

  // M/M/c, c = 4, rho = 0.8: mean wait from Erlang C; and Little's law L = lambda W.
  const mmc = { c: 4, lambda: 3.2, mu: 1 };
  const [mmcWait, mmcInSystem] = replicate(
    options,
    'mmc',
    (s) => simulateFcfsStation({ lambda: mmc.lambda, service: new Exponential(1 / mmc.mu), servers: mmc.c, customers: n(80000), warmup: n(8000) }, s),
    [(r) => mean(r.waitingTimes), (r) => r.meanInSystem],
  );
  const wq = mmcMeanWait(mmc.c, mmc.lambda, mmc.mu);
  checks.push(check('M/M/4 (rho 0.8)', 'mean waiting time (Erlang C)', wq, mmcWait, confidence));
  checks.push(check("Little's law on M/M/4", 'mean number in system L = lambda W', mmc.lambda * (wq + 1 / mmc.mu), mmcInSystem, confidence));

  // M/M/c/c, c = 8, offered load 6 Erlang: blocking from Erlang B.
  const loss = { c: 8, a: 6 };
  const [blocked] = replicate(
    options,
    'mmcc',
    (s) => simulateFcfsStation({ lambda: loss.a, service: new Exponential(1), servers: loss.c, capacity: loss.c, customers: n(60000), warmup: n(2000) }, s),
    [(r) => r.blockedFraction],
  );
  checks.push(check('M/M/8/8 (6 Erlang)', 'blocking probability (Erlang B)', erlangB(loss.c, loss.a), blocked, confidence));

  // M/G/1 processor sharing, rho = 0.7: E[T] = E[S] / (1 - rho) whatever the service distribution.
  const ps = { lambda: 0.7, meanService: 1 };
  const [psDet] = replicate(
    options,
    'ps-det',
    (s) => simulatePsStation({ lambda: ps.lambda, service: new Deterministic(ps.meanService), customers: n(60000), warmup: n(6000) }, s),
    [(r) => mean(r.responseTimes)],
  );
  checks.push(check('M/D/1-PS (rho 0.7)', 'mean response time', mg1PsResponseMean(ps.lambda, ps.meanService), psDet, confidence));
  const [psHyper] = replicate(
    options,
    'ps-h2',
    (s) => simulatePsStation({ lambda: ps.lambda, service: HyperExponential.balanced(ps.meanService, 4), customers: n(100000), warmup: n(10000) }, s),
    [(r) => mean(r.responseTimes)],
  );
  checks.push(check('M/H2/1-PS (rho 0.7, scv 4)', 'mean response time', mg1PsResponseMean(ps.lambda, ps.meanService), psHyper, confidence));

  return { passed: checks.every((c) => c.pass), seed: options.seed, replications: options.replications, confidence, checks };
}
