import type { ClientBehaviour, FlowName, Scenario } from '../../../src/scenario/types.js';

/** A one-burst scenario: iteration 0 is a burst of `installs`, nothing after it. */
export function oneBurst(flow: FlowName, installs: number, client: Partial<ClientBehaviour> = {}): Scenario {
  return {
    name: 'test-one-burst',
    description: 'one burst',
    flow,
    profile: {
      executor: 'burst-iterations',
      iterationSeconds: 1,
      baselineInstalls: 0,
      burstInstalls: installs,
      burstEvery: 1,
      firstBurstIteration: 0,
      waitForInstalls: true,
      durationSeconds: 0.5,
    },
    client: { timeoutSeconds: 5, retries: 0, backoffFactorSeconds: 0, retryStatuses: [], keepAlive: true, cookies: 'per-install', ...client },
    repository: { projects: 10, versionsPerProject: 3, wheelBytes: 1000, versionPick: 'latest' },
  };
}
