// The sticky mode of the local stack's nginx (like the ALB's lb_cookie), and where a burst goes through it:
// the seed tool's one cookie jar puts a burst that follows baseline iterations on one upstream, real pip's
// per-install jars do not, and the model predicts the busiest upstream's share of the burst for the same
// load and sizing (acceptance of issue 12: within 0.15).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCalibration, LOCAL_CALIBRATION } from '../../src/calibrate/calibration-file.js';
import { runValidation } from '../../src/live/run-validation.js';
import type { ValidationSummary } from '../../src/live/summary.js';
import { resolveSizing } from '../../src/model/sizing.js';
import { predict } from '../../src/prediction/predict.js';
import { validateScenario } from '../../src/scenario/load.js';
import type { FlowName, Scenario } from '../../src/scenario/types.js';
import { httpGet } from './http-get.js';
import { STICKY_COOKIE } from './nginx-config.js';
import { startStack, type RunningStack } from './stack.js';

describe('nginx sticky mode (lb_cookie)', () => {
  let stack: RunningStack;
  beforeAll(async () => {
    stack = await startStack({ servers: 3, workers: 1, workerClass: 'sync', balancing: 'round_robin', projects: 5, stickiness: true, stickinessSeconds: 600 });
  });
  afterAll(async () => stack?.stop());

  const get = (cookie?: string) => httpGet(`${stack.url}simple/test-package-001/`, cookie ? { headers: { cookie } } : {});

  it('a request without the cookie is placed in turn and its response sets a cookie naming the upstream it came from', async () => {
    const seen: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await get();
      const upstream = String(r.headers['x-upstream']);
      seen.push(upstream);
      expect(r.headers['set-cookie']).toEqual([`${STICKY_COOKIE}=${upstream}; Path=/; Max-Age=600`]);
    }
    expect(new Set(seen)).toEqual(new Set(stack.upstreams));
  });

  it('a request whose cookie names an upstream goes there, and the cookie is refreshed; a cookie naming no upstream is placed in turn', async () => {
    const target = stack.upstreams[1];
    for (let i = 0; i < 6; i++) {
      const r = await get(`${STICKY_COOKIE}=${target}`);
      expect(r.headers['x-upstream']).toBe(target);
      expect(r.headers['set-cookie']).toEqual([`${STICKY_COOKIE}=${target}; Path=/; Max-Age=600`]);
    }
    const placed = new Set<string>();
    for (let i = 0; i < 3; i++) placed.add(String((await get(`${STICKY_COOKIE}=127.0.0.1:1`)).headers['x-upstream']));
    expect(placed).toEqual(new Set(stack.upstreams));
  });
});

/**
 * A baseline iteration of 2 installs, then (once it is done, after 2 s) a burst of `burst` installs; nothing
 * after it: the seed tool's order after its first burst, short enough for the test suite.
 */
function baselineThenBurst(flow: FlowName, burst: number): Scenario {
  return validateScenario(
    {
      name: `sticky-${flow}`,
      flow,
      profile: { executor: 'burst-iterations', iterationSeconds: 2, baselineInstalls: 2, burstInstalls: burst, burstEvery: 2, firstBurstIteration: 1, waitForInstalls: true, durationSeconds: 3 },
      // The clients as they are: the seed tool's one session, real pip's per-install jars.
      client: { timeoutSeconds: 30, retries: 0, backoffFactorSeconds: 0, retryStatuses: [], keepAlive: true },
      repository: { projects: 100, versionsPerProject: 3, wheelBytes: 3300, versionPick: 'latest' },
    },
    `sticky scenario (${flow})`,
  );
}

describe('where a burst goes through the sticky nginx, measured and predicted (4 tasks)', () => {
  let stack: RunningStack;
  const dir = mkdtempSync(path.join(tmpdir(), 'capsim-sticky-'));
  beforeAll(async () => {
    stack = await startStack({ servers: 4, workers: 1, workerClass: 'sync', balancing: 'round_robin', stickiness: true });
  });
  afterAll(async () => {
    await stack?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const sizing = { instance: 'custom', vcpus: 2, memoryGiB: 8, tasks: 4, workers: 1, workerClass: 'sync' as const };

  async function measureAndPredict(flow: FlowName) {
    const scenario = baselineThenBurst(flow, 60);
    const outDir = path.join(dir, flow);
    const result = await runValidation({
      url: stack.url,
      scenario,
      outDir,
      progress: false,
      log: () => undefined,
      sizing: { instance: 'custom', vcpus: 2, memoryGiB: 8, tasks: 4, workers: 1, workerClass: 'sync', algorithm: 'round_robin', stickiness: 'on' },
    });
    const summary: ValidationSummary = result.summary;
    const shares = Object.values(summary.upstream_share_bursts).map((u) => u.share);
    const measured = Math.max(...shares);
    const calibration = loadCalibration(LOCAL_CALIBRATION);
    const predicted = predict({
      sizing: resolveSizing({ ...sizing, algorithm: 'round_robin', stickiness: summary.sizing.stickiness === 'on' }),
      scenario,
      params: calibration.params,
      calibration: calibration.file.name,
      replications: 10,
      seed: 1,
    });
    console.log(`${flow}: busiest upstream's share of the burst measured ${measured.toFixed(3)} (${shares.map((s) => s.toFixed(3)).join(', ')}), predicted ${predicted.maxTargetShare.mean.toFixed(3)} [${predicted.maxTargetShare.ciLow.toFixed(3)} .. ${predicted.maxTargetShare.ciHigh.toFixed(3)}]; errors ${summary.failed_requests}`);
    return { measured, predicted: predicted.maxTargetShare.mean, summary };
  }

  it('the seed tool (one jar for the run): the burst after the baseline iteration lands (nearly) all on one upstream; predicted within 0.15', async () => {
    const { measured, predicted, summary } = await measureAndPredict('seed-tool');
    expect(summary.sizing.stickiness).toBe('on');
    expect(summary.failed_requests).toBe(0);
    expect(measured).toBeGreaterThan(0.9);
    expect(Math.abs(predicted - measured)).toBeLessThanOrEqual(0.15);
  });

  it('real pip (one jar per install): the burst spreads over the upstreams; predicted within 0.15', async () => {
    const { measured, predicted, summary } = await measureAndPredict('pip-root-index');
    expect(summary.failed_requests).toBe(0);
    expect(measured).toBeLessThan(0.5);
    expect(Math.abs(predicted - measured)).toBeLessThanOrEqual(0.15);
  });
});
