/**
 * Runs "measured" by the simulator itself, for checking that calibrate
 * recovers known parameters (tests, bench/calibrate-recovery.ts): one
 * replication with known parameter values under a seed the fit does not use
 * (so the fit sees genuine simulation noise), written as the file calibrate
 * reads: a validate-style summary.json (the seed tool's keys, sizing,
 * scenario, and one diagnostics collection holding each instance's peaks).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultParameters, withOverrides } from '../model/parameters.js';
import { replicate } from '../model/replication.js';
import type { ReplicationResult } from '../model/replication.js';
import { stackConfig } from '../model/stack.js';
import { resolveSizing, type SizingRequest } from '../model/sizing.js';
import { applyOverrides, loadScenario, type ScenarioOverrides } from '../scenario/load.js';
import type { Scenario } from '../scenario/types.js';

export interface SyntheticSpec {
  sizing: SizingRequest;
  scenario: string;
  overrides: ScenarioOverrides;
  /** The "true" parameter values (on top of models/parameters.json). */
  truth: Record<string, number>;
  /** Seed of the "measurement" (the fit uses another one). */
  seed: number;
}

export function simulateSyntheticRun(spec: SyntheticSpec): { result: ReplicationResult; scenario: Scenario } {
  const scenario = applyOverrides(loadScenario(spec.scenario), spec.overrides);
  const params = withOverrides(defaultParameters(), spec.truth, 'truth');
  const result = replicate({ config: stackConfig(resolveSizing(spec.sizing), scenario, params), params, seed: spec.seed }, 0);
  return { result, scenario };
}

/** The seed tool's summary keys of a simulated run. */
export function seedSummaryOf(result: ReplicationResult, profile: string): Record<string, unknown> {
  const operations: Record<string, unknown> = {};
  for (const [name, op] of Object.entries(result.perOperation)) {
    operations[name] = { total_requests: op.operations, error_rate: op.errorRate, latency_mean: op.meanMs, latency_p95: op.p95Ms };
  }
  const ok = result.operations - result.failedOperations;
  return {
    profile,
    start_time: '2025-01-01T10:30:00.000Z',
    end_time: new Date(Date.parse('2025-01-01T10:30:00.000Z') + result.durationSeconds * 1000).toISOString(),
    duration_seconds: result.durationSeconds,
    total_requests: result.operations,
    successful_requests: ok,
    failed_requests: result.failedOperations,
    error_rate: result.errorRate,
    latency_median: ok > 0 ? result.latencyMs.p50 : null,
    latency_p95: ok > 0 ? result.latencyMs.p95 : null,
    latency_p99: ok > 0 ? result.latencyMs.p99 : null,
    requests_per_second: result.operations / result.durationSeconds,
    status_code_counts: {},
    error_5xx_count: result.http5xx,
    operations,
  };
}

/** A validate-style summary: seed keys plus sizing, scenario and per-instance diagnostics. */
export function validateSummaryOf(spec: SyntheticSpec, result: ReplicationResult, scenario: Scenario): Record<string, unknown> {
  const hosts = result.instances.map((i) => {
    const busy = 100 * i.cpuUtilPeak;
    // The model's peaks are per-second maxima taken separately; mpstat's figures share one window, so idle is clipped at 0.
    const iowait = 100 * i.iowaitPeak;
    return {
      host: i.name,
      parsed: {
        cpu: { user: busy * 0.8, system: busy * 0.2, iowait, idle: Math.max(0, 100 - busy - iowait), steal: 0, source: 'mpstat' },
        memory: { totalMb: 0, usedMb: 0, freeMb: 0, availableMb: i.memAvailableMinMb, buffCacheMb: null, swapTotalMb: 0, swapUsedMb: i.swapUsedMaxMb },
      },
      errors: [],
    };
  });
  const { instance, instances, tasks, workers, workerClass, algorithm, stickiness } = spec.sizing;
  return {
    ...seedSummaryOf(result, scenario.name),
    target: 'http://127.0.0.1:8080/',
    flow: scenario.flow,
    sizing: { instance, instances, tasks, workers, workerClass, algorithm, ...(stickiness !== undefined ? { stickiness: stickiness ? 'on' : 'off' } : {}) },
    scenario,
    diagnostics: [{ source: 'ssm', trigger: { label: 'burst', atSeconds: 50 }, hosts, errors: [] }],
    interrupted: false,
    interrupt_reason: null,
  };
}

/** Writes a validate-style summary to DIR/LABEL/summary.json and returns its path. */
export function writeValidateRun(dir: string, label: string, spec: SyntheticSpec): string {
  const { result, scenario } = simulateSyntheticRun(spec);
  const runDir = join(dir, label);
  mkdirSync(runDir, { recursive: true });
  const path = join(runDir, 'summary.json');
  writeFileSync(path, JSON.stringify(validateSummaryOf(spec, result, scenario), null, 2));
  return path;
}
