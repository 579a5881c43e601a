/**
 * Fuzz: model parameters. Every parameter of the schema is refused outside its bounds (by the one check
 * --set, calibration files and the fit use), and anywhere inside them a replication ends: with a result,
 * or with the simulation budget's one line, never a hang or another error. The inputs that hung before the
 * bounds existed (issue 17) are run with the schema bypassed, to show the budget stops them on its own.
 */
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { loadCalibration } from '../../src/calibrate/calibration-file.js';
import { UserError } from '../../src/errors.js';
import { defaultParameters, PARAMETER_NAMES, parameterSchema, withOverrides, type ModelParameters, type ParameterName } from '../../src/model/parameters.js';
import { replicate } from '../../src/model/replication.js';
import { MIN_EVENTS, SimulationBudgetError } from '../../src/model/simulation-budget.js';
import { resolveSizing, type SizingRequest } from '../../src/model/sizing.js';
import { stackConfig } from '../../src/model/stack.js';
import { loadScenario } from '../../src/scenario/load.js';
import type { Scenario } from '../../src/scenario/types.js';
import { burstScenario } from '../model/helpers.js';

const schema = parameterSchema();

/**
 * Values that only make sense together, refused in one line naming both when they contradict (each in
 * range on its own): managed scaling's smallest step above its largest.
 */
const PAIRS: ReadonlyArray<readonly [ParameterName, ParameterName, RegExp]> = [
  ['capacity.minScalingStep', 'capacity.maxScalingStep', /^capacity\.minScalingStep \(\d+\) is above capacity\.maxScalingStep \(\d+\)$/],
];

/**
 * One replication; 'budget' when the simulation budget stopped it (its message checked), 'refused' when a
 * pair of PAIRS contradicts (its one line checked), else its event count.
 */
function outcome(params: ModelParameters, scenario: Scenario, request: Partial<SizingRequest> = {}): number | 'budget' | 'refused' {
  const sizing = resolveSizing({ instance: 'c6a.large', tasks: 2, workers: 2, workerClass: 'gevent', algorithm: 'round_robin', ...request });
  try {
    return replicate({ config: stackConfig(sizing, scenario, params), params, seed: 1 }, 0).events;
  } catch (error) {
    const pair = PAIRS.find(([low, high]) => params[low] > params[high]);
    if (pair && error instanceof UserError) {
      expect(error.message).toMatch(pair[2]);
      return 'refused';
    }
    expect(error).toBeInstanceOf(SimulationBudgetError);
    const message = (error as Error).message;
    expect(message).toMatch(/^the simulation left its budget: /);
    expect(message).not.toContain('\n');
    return 'budget';
  }
}

// A small burst on a small stack: 40 installs (120 requests) and a baseline, 30 s.
const small = burstScenario({ burst: 40, duration: 30, timeout: 30, first: 0 });

describe('every parameter outside its bounds is refused, naming it and both bounds', () => {
  it.each(PARAMETER_NAMES.map((name) => [name]))('%s', (name) => {
    const spec = schema[name];
    const span = spec.max - spec.min;
    for (const value of [spec.min - Math.max(1, span), spec.max + Math.max(1, span), NaN, Infinity]) {
      expect(() => withOverrides(defaultParameters(), { [name]: value }, '--set')).toThrow(
        new RegExp(`^--set: parameter "${name.replace('.', '\\.')}" must be (between ${spec.min} and ${spec.max}|a number)`),
      );
    }
    if (spec.integer) expect(() => withOverrides(defaultParameters(), { [name]: spec.min + 0.5 }, '--set')).toThrow(/must be a whole number/);
  });
});

describe('every parameter at either bound, one at a time: the replication ends (a result or the budget line)', () => {
  it('at each min and each max', () => {
    for (const name of PARAMETER_NAMES) {
      for (const value of [schema[name].min, schema[name].max]) {
        const result = outcome(withOverrides(defaultParameters(), { [name]: value }, 'fuzz'), small);
        if (typeof result === 'number') expect(result).toBeLessThan(MIN_EVENTS);
      }
    }
  });
});

/** A value inside a parameter's bounds: log-uniform for log-scale magnitudes with a positive range, else uniform. */
function draw(name: ParameterName, u: number): number {
  const { min, max, integer, scale } = schema[name];
  const low = Math.max(min, 1e-3);
  const value = scale === 'log' && max > low * 10 ? Math.exp(Math.log(low) + u * (Math.log(max) - Math.log(low))) : min + u * (max - min);
  return integer ? Math.round(value) : value;
}

describe('random points inside the bounds (seeded): every replication ends', () => {
  it('30 points, every parameter drawn at once', () => {
    const rng = seedrandom('capsim fuzz parameters');
    for (let i = 0; i < 30; i++) {
      const overrides: Record<string, number> = Object.fromEntries(PARAMETER_NAMES.map((name) => [name, draw(name, rng())]));
      // Each pair drawn in order, so that every point runs (the contradiction itself is refused above).
      for (const [low, high] of PAIRS) if (overrides[low] > overrides[high]) [overrides[low], overrides[high]] = [overrides[high], overrides[low]];
      const result = outcome(withOverrides(defaultParameters(), overrides, 'fuzz'), small);
      expect(result).not.toBe('refused');
      if (typeof result === 'number') expect(result).toBeLessThan(MIN_EVENTS);
    }
  });
});

describe('the inputs that ran for minutes, with the schema bypassed: the budget alone stops them', () => {
  const incident = loadScenario('production-incident');
  // The shipped calibration, as `capsim predict` ran them.
  const published = loadCalibration('published-2025').params;
  it.each([
    ['service.requestCpuMs = 1e12', { 'service.requestCpuMs': 1e12 }, { instance: 'c6a.xlarge', tasks: 12, workers: 4 }],
    ['alb.healthIntervalS = 0', { 'alb.healthIntervalS': 0 }, { instance: 'c6a.xlarge', tasks: 12, workers: 4 }],
    ['storage.nfsThroughputMBps = 0 on the incident host', { 'storage.nfsThroughputMBps': 0, 'memory.swapMb': 2047 }, { instance: 't3.micro', tasks: 2, workers: 2, containerMemoryMb: 128 }],
  ] as const)('%s', (name, raw, request) => {
    // Spread over the calibration without withOverrides: what a hand-edited file would have done before the bounds.
    const params = { ...published, ...raw } as ModelParameters;
    const started = performance.now();
    expect(outcome(params, incident, request)).toBe('budget');
    expect(performance.now() - started).toBeLessThan(30_000);
    // The value outside the bounds is the first one named.
    const sizing = resolveSizing({ workerClass: 'gevent', algorithm: 'round_robin', ...request });
    expect(() => replicate({ config: stackConfig(sizing, incident, params), params, seed: 1 }, 0)).toThrow(new RegExp(`\\(calibration and --set\\): ${name.split(' ')[0].replace('.', '\\.')}=`));
  });

  it('names the values that led there', () => {
    const params = { ...defaultParameters(), 'service.requestCpuMs': 1e12 } as ModelParameters;
    const sizing = resolveSizing({ instance: 'c6a.xlarge', tasks: 12, workers: 4, workerClass: 'gevent', algorithm: 'round_robin' });
    expect(() => replicate({ config: stackConfig(sizing, incident, params), params, seed: 1 }, 0)).toThrow(
      /^the simulation left its budget: work still scheduled 24 simulated hours after the last install started \(\d+ simulated s\), for 2 x c6a\.xlarge, 12 tasks x 4 gevent workers under production-incident; the parameters farthest from their defaults \(calibration and --set\): service\.requestCpuMs=1000000000000 \(default 2\)$/,
    );
  });
});
