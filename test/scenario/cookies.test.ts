import { describe, expect, it } from 'vitest';
import { applyOverrides, loadScenario, validateScenario } from '../../src/scenario/load.js';

const file = (client: Record<string, unknown>, flow = 'seed-tool') => ({
  name: 'x',
  flow,
  profile: { executor: 'constant-arrival-rate', installsPerSecond: 1, durationSeconds: 10 },
  client: { timeoutSeconds: 30, retries: 0, backoffFactorSeconds: 0, retryStatuses: [], keepAlive: true, ...client },
  repository: { projects: 1, versionsPerProject: 1, wheelBytes: 1, versionPick: 'latest' },
});

describe('the scenario\'s cookie scope (client.cookies)', () => {
  it('the shipped scenarios state theirs: the seed tool one jar for the run, pip one per install', () => {
    expect(loadScenario('production-incident').client.cookies).toBe('shared');
    for (const name of ['pip-burst', 'local-burst', 'light-load', 'steady']) expect(loadScenario(name).client.cookies).toBe('per-install');
  });

  it('a file that does not say gets its flow\'s client\'s jar; one that says keeps it', () => {
    expect(validateScenario(file({}), 'f').client.cookies).toBe('shared');
    expect(validateScenario(file({}, 'pip-root-index'), 'f').client.cookies).toBe('per-install');
    expect(validateScenario(file({}, 'poetry'), 'f').client.cookies).toBe('per-install');
    expect(validateScenario(file({ cookies: 'none' }), 'f').client.cookies).toBe('none');
  });

  it('anything but a scope is one clear line naming the field; --cookies overrides and is checked', () => {
    expect(() => validateScenario(file({ cookies: 3 }), 'f.json')).toThrow('f.json: client: field "cookies" must be one of "shared", "per-install", "none" (got 3)');
    const seed = loadScenario('production-incident');
    expect(applyOverrides(seed, { cookies: 'per-install' }).client.cookies).toBe('per-install');
    expect(seed.client.cookies).toBe('shared');
    expect(() => applyOverrides(seed, { cookies: 'jar' as never })).toThrow('--cookies must be one of shared, per-install, none, got "jar"');
  });

  it('client.sharedJars: absent means one (and is not written), a whole number from 1 is kept, anything else is one line', () => {
    expect(validateScenario(file({}), 'f').client).not.toHaveProperty('sharedJars');
    expect(validateScenario(file({ sharedJars: 4 }), 'f').client.sharedJars).toBe(4);
    expect(() => validateScenario(file({ sharedJars: 0 }), 'f.json')).toThrow(/^f\.json: client: field "sharedJars" .*0/);
    expect(() => validateScenario(file({ sharedJars: 1.5 }), 'f.json')).toThrow(/^f\.json: client: field "sharedJars"/);
  });

  it('the seed tool\'s schedule: a burst at iteration 0, then every 6th', () => {
    const p = loadScenario('production-incident').profile;
    expect(p).toMatchObject({ executor: 'burst-iterations', firstBurstIteration: 0, burstEvery: 6, burstInstalls: 510, baselineInstalls: 3 });
  });
});
