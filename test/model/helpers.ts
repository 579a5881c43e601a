import { defaultParameters, type ModelParameters, withOverrides } from '../../src/model/parameters.js';
import { type Prediction, predict } from '../../src/prediction/predict.js';
import { resolveSizing, type SizingRequest } from '../../src/model/sizing.js';
import { validateScenario } from '../../src/scenario/load.js';
import type { Scenario } from '../../src/scenario/types.js';

/** A burst-iterations scenario with the given changes (short runs for tests). */
export function burstScenario(changes: { burst?: number; baseline?: number; duration?: number; every?: number; first?: number; flow?: string; timeout?: number; retries?: number; keepAlive?: boolean; wheelBytes?: number } = {}): Scenario {
  return validateScenario(
    {
      name: 'test-burst',
      flow: changes.flow ?? 'seed-tool',
      profile: {
        executor: 'burst-iterations',
        iterationSeconds: 10,
        baselineInstalls: changes.baseline ?? 1,
        burstInstalls: changes.burst ?? 100,
        burstEvery: changes.every ?? 6,
        firstBurstIteration: changes.first ?? 1,
        waitForInstalls: true,
        durationSeconds: changes.duration ?? 30,
      },
      client: { timeoutSeconds: changes.timeout ?? 30, retries: changes.retries ?? 0, backoffFactorSeconds: 0.25, retryStatuses: [500, 503], keepAlive: changes.keepAlive ?? true },
      repository: { projects: 100, versionsPerProject: 3, wheelBytes: changes.wheelBytes ?? 50000, versionPick: 'latest' },
    },
    'test scenario',
  );
}

/** An open-loop constant-rate scenario. */
export function steadyScenario(installsPerSecond: number, durationSeconds: number, flow = 'seed-tool'): Scenario {
  return validateScenario(
    {
      name: 'test-steady',
      flow,
      profile: { executor: 'constant-arrival-rate', installsPerSecond, durationSeconds },
      client: { timeoutSeconds: 60, retries: 0, backoffFactorSeconds: 0.25, retryStatuses: [], keepAlive: true, cookies: 'per-install' },
      repository: { projects: 100, versionsPerProject: 3, wheelBytes: 50000, versionPick: 'latest' },
    },
    'test scenario',
  );
}

/** Model defaults (models/parameters.json) with overrides: tests check mechanisms, not the calibration. */
export function params(overrides: Record<string, number> = {}): ModelParameters {
  return withOverrides(defaultParameters(), overrides, 'test');
}

export function run(sizing: Partial<SizingRequest> & { instance: string; tasks: number; workers: number }, scenario: Scenario, p: ModelParameters, replications = 5, seed = 1): Prediction {
  return predict({
    sizing: resolveSizing({ workerClass: 'gevent', algorithm: 'round_robin', ...sizing }),
    scenario,
    params: p,
    calibration: 'test',
    replications,
    seed,
  });
}
