/**
 * Which observed metrics a parameter moves: the identifiability check of a
 * fit. For each parameter, the runs are simulated at the parameter's value
 * and at value x FACTOR (value / FACTOR near an upper bound), everything
 * else fixed, with common random numbers. For each observed metric m with
 * a positive loss weight (floor f as in loss.ts):
 *
 *   move       = ln((m1 + f) / (m0 + f))
 *   elasticity = move / ln(moved value / value)   (1: proportional, 0: no effect)
 *   noise      = standard error of ln(m + f) over the replications at the value
 *
 * The parameter moves the metric when |move| >= max(NOISE_MULTIPLE x noise,
 * MIN_MOVE). Even under common random numbers a parameter change re-orders
 * events and so jitters noisy metrics (the 1-s CPU or iowait peak, P99 of a
 * short run); the noise bar keeps that jitter from counting. With one
 * replication there is no noise estimate and the bar is MIN_MOVE alone, so
 * `calibrate` uses at least two replications here. A parameter is
 * identifiable from the runs when it moves at least one metric.
 *
 * Identifiable does not mean separable: two parameters that move the same
 * metrics in the same proportions (CPU per file walked and NFS latency on a
 * lightly loaded run's latency) are only identifiable together, and need runs
 * in which they act differently (a CPU-saturated run, where waiting on NFS
 * overlaps other requests' CPU work).
 */
import { type ModelParameters, type ParameterName, parameterRule, withOverrides } from '../model/parameters.js';
import { FLOORS, type Weights } from './loss.js';
import { metricEntries, metricOfKey } from './metrics.js';
import { averageMetrics, simulateRun, type SimulationSettings } from './predict-run.js';
import type { ObservedRun } from './run-file.js';

export const FACTOR = 1.5;
export const NOISE_MULTIPLE = 3;
/** Smallest move that counts: 2 % (ln 1.02). */
export const MIN_MOVE = Math.log(1.02);

export interface MetricSensitivity {
  elasticity: number;
  /** Standard error of ln(metric + floor) at the value (null with one replication). */
  noise: number | null;
  moves: boolean;
}

export interface ParameterSensitivity {
  parameter: ParameterName;
  value: number;
  /** The value it was moved to. */
  movedTo: number;
  /** Per run: metric key -> sensitivity (observed, weighted metrics only). */
  runs: Array<{ label: string; metrics: Record<string, MetricSensitivity> }>;
  /** The metrics it moves, as "run: metric". */
  moves: string[];
  identifiable: boolean;
}

function logEntries(run: ObservedRun, metrics: ReturnType<typeof averageMetrics>): Map<string, number | null> {
  const out = new Map<string, number | null>();
  for (const [key, value] of metricEntries(metrics, run.observed)) out.set(key, value === null ? null : Math.log(value + FLOORS[metricOfKey(key)]));
  return out;
}

/** Sensitivity of every observed, weighted metric of every run to each parameter, at `params`. */
export function sensitivity(
  runs: ObservedRun[],
  params: ModelParameters,
  names: ParameterName[],
  simulation: SimulationSettings,
  weights: Weights,
): ParameterSensitivity[] {
  const base = runs.map((run) => {
    const results = simulateRun(run, params, simulation);
    const mean = logEntries(run, averageMetrics(results));
    const noise = new Map<string, number | null>();
    const perReplication = results.map((r) => logEntries(run, averageMetrics([r])));
    for (const key of mean.keys()) {
      const values = perReplication.map((m) => m.get(key)).filter((v): v is number => typeof v === 'number');
      if (values.length < 2) {
        noise.set(key, null);
        continue;
      }
      const avg = values.reduce((a, b) => a + b, 0) / values.length;
      const variance = values.reduce((a, b) => a + (b - avg) ** 2, 0) / (values.length - 1);
      noise.set(key, Math.sqrt(variance / values.length));
    }
    return { mean, noise };
  });
  return names.map((parameter) => {
    const value = params[parameter];
    const max = parameterRule(parameter).max;
    const movedTo = value <= 0 ? value : value * FACTOR > max ? value / FACTOR : value * FACTOR;
    const logStep = value > 0 ? Math.log(movedTo / value) : 0;
    const moved = value > 0 ? withOverrides(params, { [parameter]: movedTo }, 'sensitivity') : null;
    const perRun = runs.map((run, r) => {
      const metrics: Record<string, MetricSensitivity> = {};
      if (moved) {
        const after = logEntries(run, averageMetrics(simulateRun(run, moved, simulation)));
        for (const [key, before] of base[r].mean) {
          const next = after.get(key);
          if (before === null || next === null || next === undefined || !(weights[metricOfKey(key)] > 0)) continue;
          const move = next - before;
          const noise = base[r].noise.get(key) ?? null;
          metrics[key] = { elasticity: move / logStep, noise, moves: Math.abs(move) >= Math.max(NOISE_MULTIPLE * (noise ?? 0), MIN_MOVE) };
        }
      }
      return { label: run.label, metrics };
    });
    const moves = perRun.flatMap((r) => Object.entries(r.metrics).filter(([, m]) => m.moves).map(([key]) => `${r.label}: ${key}`));
    return { parameter, value, movedTo, runs: perRun, moves, identifiable: moves.length > 0 };
  });
}
