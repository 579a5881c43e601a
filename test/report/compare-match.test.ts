import { describe, expect, it } from 'vitest';
import { describeMismatches, matchPredictionToRun } from '../../src/report/compare-match.js';

const scenario = {
  name: 'local-burst',
  flow: 'pip-root-index',
  profile: { executor: 'burst-iterations', iterationSeconds: 10, baselineInstalls: 3, burstInstalls: 300, burstEvery: 6, firstBurstIteration: 0, waitForInstalls: true, durationSeconds: 15 },
  client: { timeoutSeconds: 15, retries: 5, backoffFactorSeconds: 0.25, retryStatuses: [500, 503], keepAlive: true },
  repository: { projects: 100, versionsPerProject: 3, wheelBytes: 2700, versionPick: 'latest' },
};
const prediction = {
  config: { instanceType: 'custom', vcpus: 1, memoryMiB: 4096, instances: 1, tasks: 2, workers: 2, workerClass: 'sync', algorithm: 'least_outstanding_requests', lorFeedbackMs: 0, containerMemoryMb: 512, storage: 'local' },
  scenario: { ...scenario, source: '/somewhere/local-burst.json' },
};
const run = {
  profile: 'local-burst',
  sizing: { instance: 'custom', vcpus: 1, memoryGiB: 4, tasks: 2, workers: 2, workerClass: 'sync', algorithm: 'least_outstanding_requests', lorFeedbackMs: 0, storage: 'local' },
  scenario: { ...scenario, source: '/elsewhere/local-burst.json' },
};

describe('does a prediction describe the run it is compared with', () => {
  it('agrees when sizing, scenario and load are the same (where the scenario file lives does not matter); names what the run does not state', () => {
    expect(matchPredictionToRun(prediction, run, 'summary.json')).toEqual({ mismatches: [], unchecked: ['instances'] });
  });

  it('names every field that differs: sizing, scenario, flow, load, client', () => {
    const other = {
      ...run,
      sizing: { ...run.sizing, tasks: 1, workerClass: 'gevent' },
      scenario: { ...scenario, name: 'pip-burst', flow: 'seed-tool', profile: { ...scenario.profile, burstInstalls: 510 }, client: { ...scenario.client, timeoutSeconds: 30 } },
    };
    const { mismatches } = matchPredictionToRun(prediction, other, 'summary.json');
    expect(mismatches).toEqual([
      { field: 'tasks', predicted: '2', measured: '1' },
      { field: 'workerClass', predicted: 'sync', measured: 'gevent' },
      { field: 'scenario', predicted: 'local-burst', measured: 'pip-burst' },
      { field: 'flow', predicted: 'pip-root-index', measured: 'seed-tool' },
      { field: 'load.burstInstalls', predicted: '300', measured: '510' },
      { field: 'client.timeoutSeconds', predicted: '15', measured: '30' },
    ]);
    expect(describeMismatches(mismatches.slice(0, 2))).toBe('tasks 2 vs 1, workerClass sync vs gevent (prediction vs run)');
  });

  it("reads workers 'auto' the module's way, and a seed-tool summary by its profile name", () => {
    expect(matchPredictionToRun({ ...prediction, config: { ...prediction.config, workers: 4 } }, { ...run, sizing: { ...run.sizing, workers: 'auto' } }, 's').mismatches).toEqual([]);
    const seed = matchPredictionToRun(prediction, { profile: 'production-incident' }, 's');
    expect(seed.mismatches).toEqual([{ field: 'scenario', predicted: 'local-burst', measured: 'production-incident' }]);
    expect(seed.unchecked).toEqual(['instance', 'vcpus', 'memoryGiB', 'instances', 'tasks', 'workers', 'workerClass', 'algorithm', 'load']);
  });
});
