import { describe, expect, it } from 'vitest';
import { loadScenario, validateScenario } from '../../src/scenario/load.js';
import { describeScaling, scaleLoad } from '../../src/scenario/scale.js';
import type { Scenario } from '../../src/scenario/types.js';

const client = { timeoutSeconds: 30, retries: 0, backoffFactorSeconds: 0, retryStatuses: [], keepAlive: true, cookies: 'per-install' };
const repository = { projects: 10, versionsPerProject: 1, wheelBytes: 1000, versionPick: 'latest' };

describe('scaleLoad (headroom)', () => {
  it('scales the burst, rounding up, and leaves the original alone', () => {
    const base = loadScenario('production-incident');
    const scaled = scaleLoad(base, 1.5);
    expect(scaled.profile).toMatchObject({ executor: 'burst-iterations', burstInstalls: 765, baselineInstalls: 3 });
    expect(base.profile).toMatchObject({ burstInstalls: 510 });
    expect(scaleLoad(base, 1.001).profile).toMatchObject({ burstInstalls: 511 });
    expect(scaleLoad(base, 1)).toEqual(base);
    expect(describeScaling(base, scaled, 1.5)).toBe('burst 510 -> 765 installs (x 1.5)');
  });

  it('scales arrival rates and replays', () => {
    const constant = validateScenario({ name: 'c', flow: 'seed-tool', profile: { executor: 'constant-arrival-rate', installsPerSecond: 4, durationSeconds: 10 }, client, repository }, 't');
    expect(scaleLoad(constant, 2).profile).toMatchObject({ installsPerSecond: 8, durationSeconds: 10 });
    const ramp = validateScenario(
      { name: 'r', flow: 'seed-tool', profile: { executor: 'ramping-arrival-rate', startInstallsPerSecond: 1, stages: [{ durationSeconds: 5, targetInstallsPerSecond: 3 }] }, client, repository },
      't',
    );
    expect(scaleLoad(ramp, 2).profile).toMatchObject({ startInstallsPerSecond: 2, stages: [{ durationSeconds: 5, targetInstallsPerSecond: 6 }] });
    const replay = { ...constant, profile: { executor: 'replay', file: '/dev/null', timeScale: 1, offsetsSeconds: [0, 1] } } as Scenario;
    expect(scaleLoad(replay, 2).profile).toMatchObject({ timeScale: 0.5 });
  });

  it('rejects a factor that is not a positive number', () => {
    expect(() => scaleLoad(loadScenario('production-incident'), 0)).toThrow(/headroom factor must be a number > 0/);
  });
});
