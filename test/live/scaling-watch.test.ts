// What the service's autoscaling did during a live run, through the SDK v3 clients mocked with aws-sdk-client-mock on
// the response fixtures in fixtures/aws (see its README): the desired / running / pending counts and the target
// tracking alarms' states sampled over the run, the alarms' rules, the scaling activities and the service's CPU.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ApplicationAutoScalingClient, DescribeScalingActivitiesCommand } from '@aws-sdk/client-application-auto-scaling';
import { CloudWatchClient, DescribeAlarmsCommand, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ScalingWatcher } from '../../src/live/diagnostics/scaling-watch.js';
import type { AwsBurstState } from '../../src/live/diagnostics/aws-state.js';
import { runValidation } from '../../src/live/run-validation.js';
import { renderSummaryMarkdown } from '../../src/live/summary-markdown.js';
import { startTinyIndex, type TinyIndex } from './helpers/tiny-index.js';

/** The fixtures' run starts here (see fixtures/aws/README.md). */
const FIXTURE_START = Date.parse('2026-12-01T10:30:00.000Z');
const DATE_FIELDS = new Set(['StartTime', 'EndTime', 'StateUpdatedTimestamp', 'Timestamps']);

/** A fixture with its timestamps as the SDK gives them (Date), moved so the fixture's run starts at `startMs`. */
function fixture(name: string, startMs = FIXTURE_START): any {
  const shift = (iso: string) => new Date(Date.parse(iso) - FIXTURE_START + startMs);
  return JSON.parse(readFileSync(new URL(`./fixtures/aws/${name}`, import.meta.url), 'utf8'), (key, value) => {
    if (!DATE_FIELDS.has(key)) return value;
    return Array.isArray(value) ? value.map(shift) : shift(value);
  });
}

const ecs = mockClient(ECSClient);
const cloudwatch = mockClient(CloudWatchClient);
const autoscaling = mockClient(ApplicationAutoScalingClient);

/** The service scales out between the first sample and the second; its AlarmHigh fires. */
function mockScaleOut(startMs = FIXTURE_START): void {
  ecs.on(DescribeServicesCommand).resolvesOnce(fixture('describe-services.json')).resolves(fixture('describe-services-scaled-out.json'));
  cloudwatch.on(DescribeAlarmsCommand).resolvesOnce(fixture('describe-alarms.json', startMs)).resolves(fixture('describe-alarms-high.json', startMs));
  cloudwatch.on(GetMetricDataCommand).resolves(fixture('get-metric-data.json', startMs));
  autoscaling.on(DescribeScalingActivitiesCommand).resolves(fixture('describe-scaling-activities.json', startMs));
}

function denied(action: string, name: string): Error {
  const error = new Error(`User: arn:aws:sts::000000000000:assumed-role/ci/capsim is not authorized to perform: ${action}`);
  error.name = name;
  return error;
}

const watcher = (intervalMs = 20) =>
  new ScalingWatcher({
    region: 'eu-west-1', cluster: 'pypi', service: 'pypiserver', intervalMs,
    ecs: new ECSClient({ region: 'eu-west-1' }), cloudwatch: new CloudWatchClient({ region: 'eu-west-1' }), autoscaling: new ApplicationAutoScalingClient({ region: 'eu-west-1' }),
  });

const HIGH = 'TargetTracking-service/pypi/pypiserver-AlarmHigh-7f1e2d3c-aaaa-bbbb-cccc-000000000001';
const LOW = 'TargetTracking-service/pypi/pypiserver-AlarmLow-7f1e2d3c-aaaa-bbbb-cccc-000000000002';

afterEach(() => {
  ecs.reset();
  cloudwatch.reset();
  autoscaling.reset();
});

describe('ScalingWatcher', () => {
  it("samples the service's counts and its alarms over the run, then reads the run's scaling activities and CPU", async () => {
    mockScaleOut();
    const w = watcher();
    w.start(FIXTURE_START);
    await new Promise((resolve) => setTimeout(resolve, 80));
    const watch = await w.stop();
    expect(watch.errors).toEqual([]);
    expect(watch.samples.length).toBeGreaterThanOrEqual(3);
    expect(watch.samples[0]).toMatchObject({ desired: 12, running: 11, pending: 1, alarms: { [HIGH]: 'OK', [LOW]: 'OK' } });
    expect(watch.samples.at(-1)).toMatchObject({ desired: 18, running: 12, pending: 6, alarms: { [HIGH]: 'ALARM', [LOW]: 'OK' } });
    expect(watch.transitions.map((t) => [t.alarm, t.from, t.to])).toEqual([
      [HIGH, null, 'OK'],
      [LOW, null, 'OK'],
      [HIGH, 'OK', 'ALARM'],
    ]);
    expect(watch.transitions[2].atSeconds).toBe(watch.samples[1].atSeconds);
    // Target tracking's rules as CloudWatch holds them: > 60 for 3 of 3, < 54 for 15 of 15, one-minute datapoints.
    expect(watch.alarms).toEqual([
      { name: HIGH, metric: 'CPUUtilization', comparison: 'GreaterThanThreshold', threshold: 60, evaluationPeriods: 3, datapointsToAlarm: 3, periodSeconds: 60 },
      { name: LOW, metric: 'CPUUtilization', comparison: 'LessThanThreshold', threshold: 54, evaluationPeriods: 15, datapointsToAlarm: 15, periodSeconds: 60 },
    ]);
    // Only the activity of the run (the scale-in before it is left out), at its seconds from the start.
    expect(watch.activities).toEqual([
      {
        startedAtSeconds: 245,
        endedAtSeconds: 276,
        status: 'Successful',
        description: 'Setting desired count to 18.',
        cause: `monitor alarm ${HIGH} in state ALARM triggered policy cpu60`,
      },
    ]);
    expect(watch.cpuUtilization).toEqual([
      { atSeconds: 0, value: 89.7 },
      { atSeconds: 60, value: 90.4 },
      { atSeconds: 120, value: 91.2 },
      { atSeconds: 180, value: 88 },
    ]);
    // The calls it made, with the service's names.
    expect(cloudwatch.commandCalls(DescribeAlarmsCommand)[0].args[0].input).toMatchObject({ AlarmNamePrefix: 'TargetTracking-service/pypi/pypiserver' });
    expect(autoscaling.commandCalls(DescribeScalingActivitiesCommand)[0].args[0].input).toMatchObject({ ServiceNamespace: 'ecs', ResourceId: 'service/pypi/pypiserver' });
    const query = cloudwatch.commandCalls(GetMetricDataCommand)[0].args[0].input.MetricDataQueries![0].MetricStat!;
    expect(query).toMatchObject({ Period: 60, Stat: 'Average', Metric: { Namespace: 'AWS/ECS', MetricName: 'CPUUtilization' } });
  });

  it('a refused permission is one line naming the IAM action, said once; the counts are still sampled', async () => {
    ecs.on(DescribeServicesCommand).resolves(fixture('describe-services.json'));
    cloudwatch.on(DescribeAlarmsCommand).rejects(denied('cloudwatch:DescribeAlarms', 'AccessDenied'));
    cloudwatch.on(GetMetricDataCommand).rejects(denied('cloudwatch:GetMetricData', 'AccessDenied'));
    autoscaling.on(DescribeScalingActivitiesCommand).rejects(denied('application-autoscaling:DescribeScalingActivities', 'AccessDeniedException'));
    const heard: string[] = [];
    const w = watcher();
    w.start(Date.now(), (line) => heard.push(line));
    await new Promise((resolve) => setTimeout(resolve, 60));
    const watch = await w.stop();
    expect(watch.errors).toEqual([
      'cloudwatch:DescribeAlarms denied (AccessDenied): the role capsim runs with may not call it',
      'application-autoscaling:DescribeScalingActivities denied (AccessDeniedException): the role capsim runs with may not call it',
      'cloudwatch:GetMetricData denied (AccessDenied): the role capsim runs with may not call it',
    ]);
    expect(heard).toEqual(watch.errors);
    expect(watch.samples.length).toBeGreaterThanOrEqual(2);
    expect(watch.samples.every((s) => s.desired === 12 && Object.keys(s.alarms).length === 0)).toBe(true);
    expect([watch.activities, watch.cpuUtilization, watch.alarms]).toEqual([[], [], []]);
  });
});

describe('a validate run with the autoscaling watch (mocked AWS, a loopback index)', () => {
  let server: TinyIndex;
  let dir: string;
  beforeEach(async () => {
    server = await startTinyIndex();
    dir = mkdtempSync(path.join(tmpdir(), 'capsim-scaling-'));
  });
  afterEach(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes aws.scaling to summary.json and its table to summary.md', async () => {
    const started = Date.now();
    mockScaleOut(started);
    const noBurstState: Pick<import('../../src/live/diagnostics/aws-state.js').AwsStateCollector, 'collect' | 'targetGroupArnInUse'> = {
      targetGroupArnInUse: undefined,
      collect: async (trigger) => ({ trigger, startedAt: '', finishedAt: '', targetHealth: null, targetGroup: null, service: null, tasks: null, errors: [] }) satisfies AwsBurstState,
    };
    const scenario = {
      name: 'steady', description: 'two installs a second for 1.5 s', flow: 'pip-root-index' as const,
      profile: { executor: 'constant-arrival-rate' as const, installsPerSecond: 2, durationSeconds: 1.5 },
      client: { timeoutSeconds: 5, retries: 0, backoffFactorSeconds: 0, retryStatuses: [], keepAlive: true, cookies: 'per-install' as const },
      repository: { projects: 10, versionsPerProject: 3, wheelBytes: 1000, versionPick: 'latest' as const },
    };
    const result = await runValidation({
      url: server.url, scenario, outDir: dir, progress: false, log: () => undefined,
      aws: { collector: noBurstState, scaling: watcher(300), region: 'eu-west-1', cluster: 'pypi', service: 'pypiserver', sizingFound: null, sizingSources: {}, sizingErrors: [] },
    });
    expect(result.interrupted).toBe(false);
    const summary = JSON.parse(readFileSync(path.join(dir, 'summary.json'), 'utf8')) as typeof result.summary;
    const scaling = summary.aws!.scaling!;
    expect(scaling.intervalSeconds).toBe(0.3);
    expect(scaling.samples.length).toBeGreaterThanOrEqual(3);
    expect(scaling.samples[0]).toMatchObject({ desired: 12, running: 11 });
    expect(scaling.samples.at(-1)).toMatchObject({ desired: 18, running: 12, pending: 6 });
    expect(scaling.samples.every((s, i) => i === 0 || s.atSeconds > scaling.samples[i - 1].atSeconds)).toBe(true);
    expect(scaling.activities.map((a) => a.description)).toEqual(['Setting desired count to 18.']);
    const markdown = readFileSync(path.join(dir, 'summary.md'), 'utf8');
    expect(markdown).toContain('## AWS: service autoscaling over the run');
    expect(markdown).toMatch(/\| \d+\.\d \| 18 \| 12 \| 6 \| TargetTracking-service\/pypi\/pypiserver-AlarmHigh-[\w-]+ \|/);
    expect(markdown).toContain(`- alarm ${HIGH}: CPUUtilization GreaterThanThreshold 60 for 3 of 3 datapoints of 60 s`);
    expect(markdown).toMatch(/- scaling activity at 24\d\.\d s \(Successful\): Setting desired count to 18\./);
    expect(renderSummaryMarkdown(summary)).toBe(markdown);
  });
});
