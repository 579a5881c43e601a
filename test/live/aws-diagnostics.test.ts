// AWS's own view of the stack during bursts, through the SDK v3 clients mocked with aws-sdk-client-mock on the
// response fixtures in fixtures/aws (see its README): target health per burst, target-group settings, the
// service's counts and task placement, the sizing read from ECS, and refused permissions as one line.
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DescribeContainerInstancesCommand, DescribeServicesCommand, DescribeTaskDefinitionCommand, DescribeTasksCommand, ECSClient, ListTasksCommand } from '@aws-sdk/client-ecs';
import { DescribeTargetGroupAttributesCommand, DescribeTargetGroupsCommand, DescribeTargetHealthCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AwsStateCollector } from '../../src/live/diagnostics/aws-state.js';
import type { DiagnosticsCollection, DiagnosticsCollector, DiagnosticsTrigger } from '../../src/live/diagnostics/types.js';
import { parseHostSections, splitSections } from '../../src/live/diagnostics/script.js';
import { runValidation } from '../../src/live/run-validation.js';
import { completeSizing } from '../../src/live/sizing.js';
import { renderSummaryMarkdown } from '../../src/live/summary-markdown.js';
import { startTinyIndex, type TinyIndex } from './helpers/tiny-index.js';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`./fixtures/aws/${name}`, import.meta.url), 'utf8'));
const text = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const TG = 'arn:aws:elasticloadbalancing:eu-west-1:000000000000:targetgroup/pypiserver/0a1b2c3d4e5f6a7b';

const elb = mockClient(ElasticLoadBalancingV2Client);
const ecs = mockClient(ECSClient);
const ec2 = mockClient(EC2Client);

function mockEverything(): void {
  elb.on(DescribeTargetHealthCommand).resolves(fixture('describe-target-health.json'));
  elb.on(DescribeTargetGroupsCommand).resolves(fixture('describe-target-groups.json'));
  elb.on(DescribeTargetGroupAttributesCommand).resolves(fixture('describe-target-group-attributes.json'));
  ecs.on(DescribeServicesCommand).resolves(fixture('describe-services.json'));
  ecs.on(DescribeTaskDefinitionCommand).resolves(fixture('describe-task-definition.json'));
  ecs.on(ListTasksCommand).resolves(fixture('list-tasks.json'));
  ecs.on(DescribeTasksCommand).resolves(fixture('describe-tasks.json'));
  ecs.on(DescribeContainerInstancesCommand).resolves(fixture('describe-container-instances.json'));
  ec2.on(DescribeInstancesCommand).resolves(fixture('describe-instances.json'));
}

const collector = (extra: Partial<ConstructorParameters<typeof AwsStateCollector>[0]> = {}) =>
  new AwsStateCollector({
    region: 'eu-west-1', cluster: 'pypi', service: 'pypiserver',
    elb: new ElasticLoadBalancingV2Client({ region: 'eu-west-1' }), ecs: new ECSClient({ region: 'eu-west-1' }), ec2: new EC2Client({ region: 'eu-west-1' }),
    ...extra,
  });

function denied(action: string, name: string): Error {
  const error = new Error(`User: arn:aws:sts::000000000000:assumed-role/ci/capsim is not authorized to perform: ${action}`);
  error.name = name;
  return error;
}

const trigger: DiagnosticsTrigger = { label: 'burst iteration 0', iteration: 0, atSeconds: 0 };

beforeEach(mockEverything);
afterEach(() => {
  elb.reset();
  ecs.reset();
  ec2.reset();
});

describe('AwsStateCollector', () => {
  it('reads target health, the target group\'s settings, the service\'s counts and every task\'s instance', async () => {
    const state = await collector().collect(trigger);
    expect(state.errors).toEqual([]);
    expect(state.targetHealth).toHaveLength(12);
    expect(state.targetHealth!.filter((t) => t.state === 'healthy')).toHaveLength(11);
    expect(state.targetHealth![7]).toEqual({ id: 'i-0bbbbbbbbbbbbbbb2', port: 32775, availabilityZone: 'eu-west-1b', state: 'unhealthy', reason: 'Target.Timeout', description: 'Request timed out' });
    expect(state.targetGroup).toEqual({
      arn: TG, algorithm: 'round_robin', stickinessEnabled: true, stickinessType: 'lb_cookie', stickinessDurationSeconds: 86400,
      deregistrationDelaySeconds: 300, slowStartSeconds: 0,
      healthCheck: { path: '/', protocol: 'HTTP', intervalSeconds: 10, timeoutSeconds: 5, healthyThreshold: 2, unhealthyThreshold: 2, matcher: '200-299' },
    });
    expect(state.service).toEqual({ desired: 12, running: 11, pending: 1, taskDefinition: 'pypiserver:7', deployments: 1 });
    expect(state.tasks).toHaveLength(12);
    expect(state.tasks!.filter((t) => t.instanceId === 'i-0aaaaaaaaaaaaaaa1')).toHaveLength(6);
    expect(state.tasks![0]).toMatchObject({ instanceType: 'c6a.xlarge', availabilityZone: 'eu-west-1a', lastStatus: 'RUNNING', healthStatus: 'HEALTHY' });
    // The target group came from the service (no --target-group-arn given).
    expect(elb.commandCalls(DescribeTargetHealthCommand)[0].args[0].input).toEqual({ TargetGroupArn: TG });
    // Instances are looked up once, not at every burst.
    await collector().collect(trigger);
    const again = collector();
    await again.collect(trigger);
    await again.collect(trigger);
    expect(ec2.commandCalls(DescribeInstancesCommand)).toHaveLength(3);
  });

  it('reads the sizing the service runs at from ECS, EC2 and the target group', async () => {
    const { found, sources, errors } = await collector().sizing();
    expect(errors).toEqual([]);
    expect(found).toEqual({ tasks: 12, workers: 4, containerMemoryMb: 512, containerCpu: 640, instances: 2, instance: 'c6a.xlarge', algorithm: 'round_robin', stickiness: 'on' });
    expect(sources.workers).toBe('GUNICORN_WORKERS of pypiserver:7 (pypiserver)');
    // Declared flags fill in; a contradicting one is an error naming both values.
    expect(completeSizing({ workerClass: 'gevent', tasks: 12 }, found, sources)).toMatchObject({ workerClass: 'gevent', tasks: 12, workers: 4, instance: 'c6a.xlarge' });
    expect(() => completeSizing({ workers: 6 }, found, sources)).toThrow('--workers 6 contradicts the deployed stack: GUNICORN_WORKERS of pypiserver:7 (pypiserver) says 4');
    expect(() => completeSizing({ instance: 't3.small' }, found, sources)).toThrow('--instance t3.small contradicts the deployed stack: EC2 instance type says c6a.xlarge');
  });

  it('a refused permission is one line naming the IAM action; the rest is still read', async () => {
    elb.on(DescribeTargetHealthCommand).rejects(denied('elasticloadbalancing:DescribeTargetHealth', 'AccessDenied'));
    ec2.on(DescribeInstancesCommand).rejects(denied('ec2:DescribeInstances', 'UnauthorizedOperation'));
    const state = await collector().collect(trigger);
    expect(state.errors).toEqual([
      'ec2:DescribeInstances denied (UnauthorizedOperation): the role capsim runs with may not call it',
      'elasticloadbalancing:DescribeTargetHealth denied (AccessDenied): the role capsim runs with may not call it',
    ]);
    expect(state.targetHealth).toBeNull();
    expect(state.targetGroup?.algorithm).toBe('round_robin');
    expect(state.tasks![0]).toMatchObject({ instanceId: 'i-0aaaaaaaaaaaaaaa1', instanceType: null });
  });
});

describe('a validate run with AWS diagnostics (mocked AWS, a loopback index)', () => {
  let server: TinyIndex;
  let dir: string;
  beforeEach(async () => {
    server = await startTinyIndex();
    dir = mkdtempSync(path.join(tmpdir(), 'capsim-aws-'));
  });
  afterEach(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Host diagnostics as SSM would bring them back from the first instance: docker stats of its containers. */
  const hostDiagnostics: DiagnosticsCollector = {
    source: 'ssm',
    sampleSeconds: 1,
    async collect(t: DiagnosticsTrigger): Promise<DiagnosticsCollection> {
      const stdout = ['@@capsim-section docker rc=0', text('docker-stats-json.txt')].join('\n');
      const at = new Date().toISOString();
      const host = parseHostSections('i-0aaaaaaaaaaaaaaa1', splitSections(stdout, 1), at, at);
      return { source: 'ssm', trigger: t, startedAt: at, finishedAt: at, hosts: [host], errors: [] };
    },
  };

  const twoBursts = {
    name: 'two-bursts', description: 'two bursts', flow: 'pip-root-index' as const,
    profile: { executor: 'burst-iterations' as const, iterationSeconds: 0.4, baselineInstalls: 0, burstInstalls: 4, burstEvery: 1, firstBurstIteration: 0, waitForInstalls: true, durationSeconds: 0.7 },
    client: { timeoutSeconds: 5, retries: 0, backoffFactorSeconds: 0, retryStatuses: [], keepAlive: true, cookies: 'per-install' as const },
    repository: { projects: 10, versionsPerProject: 3, wheelBytes: 1000, versionPick: 'latest' as const },
  };

  it('writes the aws section: target health per burst, task placement with docker CPU attributed to tasks', async () => {
    const aws = collector();
    const read = await aws.sizing();
    const result = await runValidation({
      url: server.url, scenario: twoBursts, outDir: dir, progress: false, log: () => undefined, diagnostics: hostDiagnostics,
      aws: { collector: aws, region: 'eu-west-1', cluster: 'pypi', service: 'pypiserver', sizingFound: read.found, sizingSources: read.sources, sizingErrors: read.errors },
    });
    const summary = JSON.parse(readFileSync(path.join(dir, 'summary.json'), 'utf8')) as typeof result.summary;
    expect(summary.error_rate).toBe(0);
    const section = summary.aws!;
    expect(section).toMatchObject({ region: 'eu-west-1', targetGroupArn: TG, cluster: 'pypi', service: 'pypiserver', errors: [] });
    expect(section.sizingFound).toMatchObject({ instance: 'c6a.xlarge', tasks: 12, workers: 4 });
    expect(section.bursts.map((b) => b.trigger.label)).toEqual(['burst iteration 0', 'burst iteration 1']);
    for (const burst of section.bursts) {
      expect(burst.targetHealth).toHaveLength(12);
      expect(burst.service).toMatchObject({ desired: 12, running: 11, pending: 1 });
      // docker's ed37317fbf42 is task 0's container (runtimeId prefix) on i-0aaaaaaaaaaaaaaa1: 0.03 % CPU
      expect(burst.tasks![0].cpuPercent).toBe(0.03);
      expect(burst.tasks![0].containers[0]).toMatchObject({ name: 'pypiserver', cpuPercent: 0.03, memUsedBytes: 2.352 * 1024 ** 2 });
      expect(burst.tasks![1].cpuPercent).toBeNull();
    }
    const markdown = readFileSync(path.join(dir, 'summary.md'), 'utf8');
    expect(markdown).toContain('## AWS: target health per burst');
    expect(markdown).toContain('| burst iteration 0 | 11 | 1 | 0 | 0 | i-0bbbbbbbbbbbbbbb2:32775 unhealthy (Target.Timeout) |');
    expect(markdown).toContain('## AWS: service and tasks per burst');
    expect(renderSummaryMarkdown(summary)).toBe(markdown);
  });

  it('AccessDenied on every call: one line per action, the load run completes and keeps its results', async () => {
    elb.reset();
    ecs.reset();
    ec2.reset();
    elb.on(DescribeTargetHealthCommand).rejects(denied('elasticloadbalancing:DescribeTargetHealth', 'AccessDenied'));
    elb.on(DescribeTargetGroupsCommand).rejects(denied('elasticloadbalancing:DescribeTargetGroups', 'AccessDenied'));
    elb.on(DescribeTargetGroupAttributesCommand).rejects(denied('elasticloadbalancing:DescribeTargetGroupAttributes', 'AccessDenied'));
    const lines: string[] = [];
    const result = await runValidation({
      url: server.url, scenario: twoBursts, outDir: dir, progress: false, log: (line) => lines.push(line),
      aws: { collector: collector({ cluster: undefined, service: undefined, targetGroupArn: TG }), region: 'eu-west-1', sizingFound: null, sizingSources: {}, sizingErrors: [] },
    });
    expect(result.interrupted).toBe(false);
    expect(result.summary.total_requests).toBe(16);
    expect(result.summary.failed_requests).toBe(0);
    const awsLines = lines.filter((l) => l.startsWith('AWS diagnostics:'));
    expect(awsLines).toEqual([
      'AWS diagnostics: elasticloadbalancing:DescribeTargetHealth denied (AccessDenied): the role capsim runs with may not call it; the run goes on without it',
      'AWS diagnostics: elasticloadbalancing:DescribeTargetGroups denied (AccessDenied): the role capsim runs with may not call it; the run goes on without it',
      'AWS diagnostics: elasticloadbalancing:DescribeTargetGroupAttributes denied (AccessDenied): the role capsim runs with may not call it; the run goes on without it',
    ]);
    expect(result.summary.aws!.errors).toHaveLength(3);
    expect(result.summary.aws!.bursts.every((b) => b.targetHealth === null)).toBe(true);
    expect(readFileSync(path.join(dir, 'requests.ndjson'), 'utf8').trim().split('\n')).toHaveLength(24);
  });
});
