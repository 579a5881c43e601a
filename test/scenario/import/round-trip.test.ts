import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCalibration } from '../../../src/calibrate/calibration-file.js';
import { predict, type Prediction } from '../../../src/prediction/predict.js';
import { runReplication } from '../../../src/model/replication.js';
import { resolveSizing } from '../../../src/model/sizing.js';
import { stackConfig } from '../../../src/model/stack.js';
import { installKinds } from '../../../src/scenario/flow-mix.js';
import { FLOWS } from '../../../src/scenario/flows.js';
import { loadScenario } from '../../../src/scenario/load.js';
import { RngStreams } from '../../../src/sim/rng.js';
import type { Interval } from '../../../src/sim/stats/interval.js';
import { runCli } from '../../cli/run-cli.js';
import { albLogLine, type LoggedCall, writeLog } from './alb-log-writer.js';
import { SEED_UA } from './install-calls.js';
import { SimulatedAccessLog } from './simulated-alb-log.js';
import { BURST_WINDOW_SECONDS } from '../../../src/scenario/import/bursts.js';

const dir = mkdtempSync(join(tmpdir(), 'capsim-round-trip-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const T0 = Date.UTC(2025, 5, 3, 10, 25, 0);

/** Writes each node's log as AWS delivers it: one gzip file per node per 5 minutes, under AWSLogs/.../yyyy/mm/dd/. */
function writeAwsLayout(root: string, byNode: LoggedCall[][]): number {
  const day = join(root, 'AWSLogs', '123456789012', 'elasticloadbalancing', 'eu-west-1', '2025', '06', '03');
  mkdirSync(day, { recursive: true });
  let files = 0;
  byNode.forEach((calls, node) => {
    const slices = new Map<number, LoggedCall[]>();
    for (const call of calls) {
      const slice = Math.floor((call.answeredMs - T0) / 300_000);
      slices.set(slice, [...(slices.get(slice) ?? []), call]);
    }
    for (const [slice, inSlice] of slices) {
      const end = new Date(T0 + (slice + 1) * 300_000).toISOString().replace(/[-:]/g, '').slice(0, 13);
      const name = `123456789012_elasticloadbalancing_eu-west-1_app.pypi-alb.50dc6c495c0c9188_${end}Z_10.0.${node}.5_${(node * 7919 + slice).toString(36)}.log.gz`;
      writeLog(join(day, name), inSlice.map(albLogLine));
      files++;
    }
  });
  return files;
}

/** The imported and the original prediction agree when their difference lies within the 95 % interval of a difference of two means. */
function agree(a: Interval, b: Interval): { difference: number; allowed: number } {
  const half = (i: Interval) => (i.ciHigh - i.ciLow) / 2;
  return { difference: Math.abs(a.mean - b.mean), allowed: Math.hypot(half(a), half(b)) };
}

// The report's final sizing (nothing fails but a few connections at burst starts), and its baseline as read (a tenth of
// the operations fail: client timeouts, which the log shows as 460s after 30 s).
describe.each([
  { label: 'final 2 x c6a.xlarge', sizing: { instance: 'c6a.xlarge', tasks: 12, workers: 4 } },
  { label: 'baseline 4 x t3.small', sizing: { instance: 't3.small', instances: 4, tasks: 12, workers: 1 } },
])('round trip at the $label: production-incident -> simulated ALB log -> scenario import -> predict', ({ label, sizing: request }) => {
  const original = loadScenario('production-incident');
  const calibration = loadCalibration('published-2025');
  const sizing = resolveSizing({ ...request, workerClass: 'gevent', algorithm: 'round_robin' });
  const root = join(dir, label.replace(/\W+/g, '-'));
  const log = new SimulatedAccessLog({
    t0Ms: T0,
    client: '10.20.0.5',
    userAgent: SEED_UA,
    projects: original.repository.projects,
    wheelBytes: original.repository.wheelBytes,
    albProcessingMs: calibration.params['alb.processingMs'],
    seed: 'round-trip',
  });
  // One run of the seed tool's schedule as the model runs it (closed loop: a slow burst delays the next iteration).
  const run = runReplication({ config: stackConfig(sizing, original, calibration.params), params: calibration.params, observer: log, timeline: true }, new RngStreams(77).replication(0));
  const files = writeAwsLayout(join(root, 'logs'), log.byNode);
  const out = join(root, 'imported.json');
  const cli = runCli(['scenario', 'import', '--alb-logs', join(root, 'logs'), '--out', out, '--projects', '100', '--versions-per-project', '3', '--json']);

  it('imports the log: every install back at its offset, as the seed tool', () => {
    expect(cli.stderr).toBe('');
    expect(cli.code).toBe(0);
    expect(files).toBeGreaterThanOrEqual(2);
    const imported = loadScenario(out);
    expect(imported.flow).toBe('seed-tool');
    expect(imported.client).toEqual(original.client);
    // The installs whose /<project>/ never reached the load balancer (a connection that failed at the
    // burst's start) show only their simple page and download: another client pattern, a handful.
    const mix = imported.flowMix ?? [];
    expect(mix.map((m) => [m.name, m.flow])).toEqual(mix.length === 1 ? [['seed-tool', 'seed-tool']] : [['seed-tool', 'seed-tool'], ['other', 'pip-simple-index']]);
    expect(mix.every((m) => JSON.stringify(m.client) === JSON.stringify(original.client))).toBe(true);
    if (mix.length > 1) expect(mix[1].share).toBeLessThan(0.01);
    expect(imported.repository).toMatchObject({ projects: 100, versionsPerProject: 3, versionPick: 'latest' });
    expect(Math.abs(imported.repository.wheelBytes - original.repository.wheelBytes)).toBeLessThan(300);
    if (imported.profile.executor !== 'replay') throw new Error('expected a replay');
    // The offsets file keeps milliseconds (half a millisecond off at most), of times the log keeps in
    // microseconds (half a microsecond off each, the install's and the first one's).
    const offsets = imported.profile.offsetsSeconds;
    const expected = log.installStarts.map((t) => (t - log.installStarts[0]) / 1000).sort((a, b) => a - b);
    expect(offsets.length).toBe(expected.length);
    const errors = offsets.map((s, k) => Math.abs(s - expected[k]));
    // The log names no install: one client's installs are told apart by connection and turnaround. Where a
    // closed connection leaves two open installs fitting one request, a start can move (at 4 x t3.small one
    // install of 1,566, by 0.26 s); every other one is back at its offset.
    expect(errors.filter((e) => e > 0.0005 + 0.000001 + 1e-9).length).toBeLessThanOrEqual(Math.ceil(offsets.length * 0.002));
    expect(Math.max(...errors)).toBeLessThan(1);
    const json = JSON.parse(cli.stdout);
    if (original.profile.executor !== 'burst-iterations') throw new Error('expected the seed tool\'s iterations');
    const { burstInstalls } = original.profile;
    // The run's bursts (when each burst iteration started, as the model recorded them) are the bursts the
    // import finds that start installs; a wave of requests with no install start is also a burst of requests
    // (at 4 x t3.small, the seed tool's next steps after its 30-s timeouts).
    const starting = json.summary.bursts.filter((b: { installs: number }) => b.installs >= burstInstalls * 0.98);
    // A found burst is trimmed to busy seconds of a hot 10-s window: it may begin up to a window before the
    // burst iteration, in the tail of the traffic before it.
    const began = run.bursts!.map((b) => b.startS - log.installStarts[0] / 1000);
    expect(starting).toHaveLength(began.length);
    starting.forEach((b: { offsetSeconds: number }, k: number) => {
      expect(b.offsetSeconds).toBeGreaterThanOrEqual(began[k] - BURST_WINDOW_SECONDS);
      expect(b.offsetSeconds).toBeLessThanOrEqual(began[k] + 1);
    });
    // The seed tool bursts at its first iteration: the log's first second is a burst.
    expect(json.summary.bursts[0].offsetSeconds).toBe(0);
    for (const burst of starting) {
      // Each burst holds the installs whose first logged request it saw: the burst's 510 and the baseline's
      // that overlap it, less the few whose first request failed to connect at the burst's start (they
      // reach the log later, with their next request).
      const fromMs = Date.parse(burst.start);
      const logged = log.installStarts.filter((t) => T0 + t >= fromMs && T0 + t < fromMs + burst.durationSeconds * 1000).length;
      expect(burst.installs).toBe(logged);
      expect(burst.installs).toBeGreaterThanOrEqual(burstInstalls * 0.98);
    }
    expect(JSON.stringify(JSON.parse(readFileSync(out, 'utf8')))).not.toContain('10.20.0.5');
  });

  it('predicts what the original scenario predicts, within the replication intervals', () => {
    const run = (scenario: typeof original): Prediction => predict({ sizing, scenario, params: calibration.params, calibration: 'published-2025', replications: 20, seed: 1 });
    const a = run(original);
    const b = run(loadScenario(out));
    // The replay starts the installs of the logged run, each as its flow: its operations are that run's,
    // whichever number of bursts fitted in it; the original's vary from run to run (a fourth or fifth
    // burst starts or not).
    const imported = loadScenario(out);
    if (imported.profile.executor !== 'replay') throw new Error('expected a replay');
    const named = imported.profile.offsetsMix ?? imported.profile.offsetsSeconds.map(() => 0);
    const kinds = installKinds(imported);
    // Every operation of the seed tool's installs runs whatever happened before; pip's stop at a failure.
    const most = named.reduce((n, k) => n + FLOWS[kinds[k].flow].steps.length, 0);
    const least = named.reduce((n, k) => n + (FLOWS[kinds[k].flow].stopOnFailure ? 1 : FLOWS[kinds[k].flow].steps.length), 0);
    expect(b.operations.mean).toBeLessThanOrEqual(most);
    expect(b.operations.mean).toBeGreaterThanOrEqual(least);
    for (const [name, pick] of [
      ['error rate', (p: Prediction) => p.errorRate],
      ['P50', (p: Prediction) => p.latencyMs.p50],
      ['P95', (p: Prediction) => p.latencyMs.p95],
      ['P99', (p: Prediction) => p.latencyMs.p99],
    ] as Array<[string, (p: Prediction) => Interval]>) {
      const { difference, allowed } = agree(pick(a), pick(b));
      expect(difference, `${name}: original ${pick(a).mean}, imported ${pick(b).mean}`).toBeLessThanOrEqual(allowed);
    }
  });
});
