/**
 * What AWS itself knows about the stack during a burst, through the SDK v3:
 * the target group's health of every target and its attributes (algorithm,
 * stickiness, deregistration delay, health-check settings) from Elastic Load
 * Balancing v2; the service's desired / running / pending counts and each
 * task's instance from ECS (and EC2 for the instances' type and zone). Every
 * call is bounded; a failure is recorded as one line (a refused permission
 * names the IAM action) and never stops the load. Credentials come from the
 * SDK's default chain and are never recorded.
 */
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
  type Service,
  type Task,
} from '@aws-sdk/client-ecs';
import {
  DescribeTargetGroupAttributesCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { describeAwsFailure, sendWithTimeout } from './aws-call.js';
import type { DiagnosticsTrigger } from './types.js';

export interface TargetHealthEntry {
  id: string;
  port: number | null;
  availabilityZone: string | null;
  /** healthy, unhealthy, initial, draining, unused, unavailable. */
  state: string;
  reason: string | null;
  description: string | null;
}

export interface TargetGroupSettings {
  arn: string;
  algorithm: string | null;
  stickinessEnabled: boolean | null;
  stickinessType: string | null;
  stickinessDurationSeconds: number | null;
  deregistrationDelaySeconds: number | null;
  slowStartSeconds: number | null;
  healthCheck: {
    path: string | null;
    protocol: string | null;
    intervalSeconds: number | null;
    timeoutSeconds: number | null;
    healthyThreshold: number | null;
    unhealthyThreshold: number | null;
    matcher: string | null;
  } | null;
}

export interface ServiceCounts {
  desired: number | null;
  running: number | null;
  pending: number | null;
  taskDefinition: string | null;
  deployments: number;
}

export interface TaskPlacement {
  /** The task id (the last part of its ARN). */
  task: string;
  instanceId: string | null;
  instanceType: string | null;
  availabilityZone: string | null;
  lastStatus: string | null;
  healthStatus: string | null;
  /** Docker ids of the task's containers (ECS runtimeId), to attribute docker stats to tasks. */
  containers: Array<{ name: string; runtimeId: string | null }>;
}

export interface AwsBurstState {
  trigger: DiagnosticsTrigger;
  startedAt: string;
  finishedAt: string;
  targetHealth: TargetHealthEntry[] | null;
  targetGroup: TargetGroupSettings | null;
  service: ServiceCounts | null;
  tasks: TaskPlacement[] | null;
  errors: string[];
}

/** The sizing the service runs at, as ECS, EC2 and the target group say it. */
export interface FoundSizing {
  instance?: string;
  instances?: number;
  tasks?: number;
  workers?: number | 'auto';
  containerMemoryMb?: number;
  containerCpu?: number;
  algorithm?: 'round_robin' | 'least_outstanding_requests';
  /** As the model reads it: on for lb_cookie; off when disabled, and for app_cookie, which sticks only to a cookie the app sets (pypiserver sets none). */
  stickiness?: 'on' | 'off';
}

export interface AwsStateOptions {
  region: string;
  targetGroupArn?: string;
  cluster?: string;
  service?: string;
  /** Timeout of each AWS call, ms (default 10 s). */
  callTimeoutMs?: number;
  elb?: ElasticLoadBalancingV2Client;
  ecs?: ECSClient;
  ec2?: EC2Client;
}

const lastPart = (arn: string) => arn.split('/').pop() ?? arn;
const numberOrNull = (value: string | number | undefined | null): number | null => {
  if (value === undefined || value === null || value === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
};

/** DescribeTasks takes at most 100 tasks, DescribeContainerInstances 100 instances. */
const BATCH = 100;
function batches<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += BATCH) out.push(items.slice(i, i + BATCH));
  return out;
}

export class AwsStateCollector {
  private readonly elb: ElasticLoadBalancingV2Client;
  private readonly ecs: ECSClient;
  private readonly ec2: EC2Client;
  private readonly callTimeoutMs: number;
  private targetGroupArn: string | undefined;
  /** container instance ARN -> EC2 instance id, EC2 instance id -> type and zone (kept across bursts). */
  private readonly containerInstances = new Map<string, string>();
  private readonly instances = new Map<string, { type: string | null; zone: string | null }>();

  constructor(private readonly options: AwsStateOptions) {
    this.elb = options.elb ?? new ElasticLoadBalancingV2Client({ region: options.region });
    this.ecs = options.ecs ?? new ECSClient({ region: options.region });
    this.ec2 = options.ec2 ?? new EC2Client({ region: options.region });
    this.callTimeoutMs = options.callTimeoutMs ?? 10_000;
    this.targetGroupArn = options.targetGroupArn;
  }

  /** The target group read: the named one, or the service's (known after the first ECS call). */
  get targetGroupArnInUse(): string | undefined {
    return this.targetGroupArn;
  }

  get hasService(): boolean {
    return this.options.cluster !== undefined && this.options.service !== undefined;
  }

  /** Runs one call; a failure is pushed to `errors` as one line naming the IAM action, and gives null. */
  private async call<T>(action: string, errors: string[], send: (signal: AbortSignal) => Promise<T>): Promise<T | null> {
    try {
      return await sendWithTimeout(send, this.callTimeoutMs);
    } catch (error) {
      errors.push(describeAwsFailure(action, error));
      return null;
    }
  }

  private async describeService(errors: string[]): Promise<Service | null> {
    const { cluster, service } = this.options;
    const response = await this.call('ecs:DescribeServices', errors, (abortSignal) =>
      this.ecs.send(new DescribeServicesCommand({ cluster, services: [service!] }), { abortSignal }));
    if (!response) return null;
    const found = response.services?.[0];
    if (!found) {
      const failure = response.failures?.[0];
      errors.push(`ecs:DescribeServices: service "${service}" not found in cluster "${cluster}"${failure?.reason ? ` (${failure.reason})` : ''}`);
      return null;
    }
    // The service's target group, unless one was named.
    this.targetGroupArn ??= found.loadBalancers?.find((lb) => lb.targetGroupArn)?.targetGroupArn;
    return found;
  }

  private async tasks(errors: string[]): Promise<Task[] | null> {
    const { cluster, service } = this.options;
    const arns: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.call('ecs:ListTasks', errors, (abortSignal) =>
        this.ecs.send(new ListTasksCommand({ cluster, serviceName: service, nextToken }), { abortSignal }));
      if (!page) return null;
      arns.push(...(page.taskArns ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    const tasks: Task[] = [];
    for (const batch of batches(arns)) {
      const page = await this.call('ecs:DescribeTasks', errors, (abortSignal) => this.ecs.send(new DescribeTasksCommand({ cluster, tasks: batch }), { abortSignal }));
      if (!page) return null;
      tasks.push(...(page.tasks ?? []));
    }
    return tasks;
  }

  /** EC2 instance id, type and zone of each task's container instance (looked up once per instance). */
  private async placeTasks(tasks: Task[], errors: string[]): Promise<TaskPlacement[]> {
    const unknown = [...new Set(tasks.map((t) => t.containerInstanceArn).filter((a): a is string => !!a && !this.containerInstances.has(a)))];
    for (const batch of batches(unknown)) {
      const page = await this.call('ecs:DescribeContainerInstances', errors, (abortSignal) =>
        this.ecs.send(new DescribeContainerInstancesCommand({ cluster: this.options.cluster, containerInstances: batch }), { abortSignal }));
      for (const ci of page?.containerInstances ?? []) {
        if (ci.containerInstanceArn && ci.ec2InstanceId) this.containerInstances.set(ci.containerInstanceArn, ci.ec2InstanceId);
      }
    }
    const ids = [...new Set(tasks.map((t) => (t.containerInstanceArn ? this.containerInstances.get(t.containerInstanceArn) : undefined)).filter((id): id is string => !!id && !this.instances.has(id)))];
    if (ids.length > 0) {
      const page = await this.call('ec2:DescribeInstances', errors, (abortSignal) => this.ec2.send(new DescribeInstancesCommand({ InstanceIds: ids }), { abortSignal }));
      for (const reservation of page?.Reservations ?? []) {
        for (const instance of reservation.Instances ?? []) {
          if (instance.InstanceId) this.instances.set(instance.InstanceId, { type: instance.InstanceType ?? null, zone: instance.Placement?.AvailabilityZone ?? null });
        }
      }
    }
    return tasks.map((task) => {
      const instanceId = task.containerInstanceArn ? (this.containerInstances.get(task.containerInstanceArn) ?? null) : null;
      const instance = instanceId ? this.instances.get(instanceId) : undefined;
      return {
        task: lastPart(task.taskArn ?? 'unknown'),
        instanceId,
        instanceType: instance?.type ?? null,
        availabilityZone: task.availabilityZone ?? instance?.zone ?? null,
        lastStatus: task.lastStatus ?? null,
        healthStatus: task.healthStatus ?? null,
        containers: (task.containers ?? []).map((c) => ({ name: c.name ?? 'unknown', runtimeId: c.runtimeId ?? null })),
      };
    });
  }

  private async targetGroup(arn: string, errors: string[]): Promise<TargetGroupSettings | null> {
    const [groups, attributes] = await Promise.all([
      this.call('elasticloadbalancing:DescribeTargetGroups', errors, (abortSignal) => this.elb.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [arn] }), { abortSignal })),
      this.call('elasticloadbalancing:DescribeTargetGroupAttributes', errors, (abortSignal) => this.elb.send(new DescribeTargetGroupAttributesCommand({ TargetGroupArn: arn }), { abortSignal })),
    ]);
    if (!groups && !attributes) return null;
    const attr = new Map((attributes?.Attributes ?? []).map((a) => [a.Key ?? '', a.Value ?? '']));
    const group = groups?.TargetGroups?.[0];
    const stickiness = attr.get('stickiness.enabled');
    const type = attr.get('stickiness.type') ?? null;
    return {
      arn,
      algorithm: attr.get('load_balancing.algorithm.type') ?? null,
      stickinessEnabled: stickiness === undefined ? null : stickiness === 'true',
      stickinessType: type,
      stickinessDurationSeconds: numberOrNull(type === 'app_cookie' ? attr.get('stickiness.app_cookie.duration_seconds') : attr.get('stickiness.lb_cookie.duration_seconds')),
      deregistrationDelaySeconds: numberOrNull(attr.get('deregistration_delay.timeout_seconds')),
      slowStartSeconds: numberOrNull(attr.get('slow_start.duration_seconds')),
      healthCheck: group
        ? {
            path: group.HealthCheckPath ?? null,
            protocol: group.HealthCheckProtocol ?? null,
            intervalSeconds: group.HealthCheckIntervalSeconds ?? null,
            timeoutSeconds: group.HealthCheckTimeoutSeconds ?? null,
            healthyThreshold: group.HealthyThresholdCount ?? null,
            unhealthyThreshold: group.UnhealthyThresholdCount ?? null,
            matcher: group.Matcher?.HttpCode ?? null,
          }
        : null,
    };
  }

  private async targetHealth(arn: string, errors: string[]): Promise<TargetHealthEntry[] | null> {
    const response = await this.call('elasticloadbalancing:DescribeTargetHealth', errors, (abortSignal) =>
      this.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: arn }), { abortSignal }));
    if (!response) return null;
    return (response.TargetHealthDescriptions ?? []).map((d) => ({
      id: d.Target?.Id ?? 'unknown',
      port: d.Target?.Port ?? null,
      availabilityZone: d.Target?.AvailabilityZone ?? null,
      state: d.TargetHealth?.State ?? 'unknown',
      reason: d.TargetHealth?.Reason ?? null,
      description: d.TargetHealth?.Description ?? null,
    }));
  }

  /** The state at one burst; never rejects. */
  async collect(trigger: DiagnosticsTrigger): Promise<AwsBurstState> {
    const startedAt = new Date().toISOString();
    const errors: string[] = [];
    let service: ServiceCounts | null = null;
    let tasks: TaskPlacement[] | null = null;
    if (this.hasService) {
      const found = await this.describeService(errors);
      if (found) {
        service = { desired: found.desiredCount ?? null, running: found.runningCount ?? null, pending: found.pendingCount ?? null, taskDefinition: found.taskDefinition ? lastPart(found.taskDefinition) : null, deployments: found.deployments?.length ?? 0 };
      }
      const described = await this.tasks(errors);
      if (described) tasks = await this.placeTasks(described, errors);
    }
    const arn = this.targetGroupArn;
    let targetHealth: TargetHealthEntry[] | null = null;
    let targetGroup: TargetGroupSettings | null = null;
    if (arn) [targetHealth, targetGroup] = await Promise.all([this.targetHealth(arn, errors), this.targetGroup(arn, errors)]);
    else if (this.hasService && service) errors.push(`the ECS service "${this.options.service}" has no target group: give --target-group-arn`);
    return { trigger, startedAt, finishedAt: new Date().toISOString(), targetHealth, targetGroup, service, tasks, errors };
  }

  /**
   * The sizing the service runs at: instance type and count (of the instances holding its tasks), tasks
   * (desired count), workers (GUNICORN_WORKERS of the task definition), container memory and CPU, and the
   * target group's algorithm and stickiness. What cannot be read is left out, with the reason in `errors`.
   */
  async sizing(): Promise<{ found: FoundSizing; sources: Record<string, string>; errors: string[] }> {
    const errors: string[] = [];
    const found: FoundSizing = {};
    const sources: Record<string, string> = {};
    const service = this.hasService ? await this.describeService(errors) : null;
    if (service) {
      if (service.desiredCount !== undefined) {
        found.tasks = service.desiredCount;
        sources.tasks = 'ECS service desired count';
      }
      if (service.taskDefinition) {
        const definition = await this.call('ecs:DescribeTaskDefinition', errors, (abortSignal) =>
          this.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: service.taskDefinition }), { abortSignal }));
        const td = definition?.taskDefinition;
        const container = td?.containerDefinitions?.find((c) => (c.environment ?? []).some((e) => e.name === 'GUNICORN_WORKERS')) ?? td?.containerDefinitions?.[0];
        if (container) {
          const workers = container.environment?.find((e) => e.name === 'GUNICORN_WORKERS')?.value?.trim();
          if (workers === 'auto') found.workers = 'auto';
          else if (workers !== undefined && /^\d+$/.test(workers) && Number(workers) >= 1) found.workers = Number(workers);
          if (found.workers !== undefined) sources.workers = `GUNICORN_WORKERS of ${lastPart(service.taskDefinition)} (${container.name})`;
          const memory = container.memory ?? numberOrNull(td?.memory) ?? undefined;
          if (memory !== undefined && memory !== null) {
            found.containerMemoryMb = memory;
            sources.containerMemoryMb = `memory of ${container.name}`;
          }
          const cpu = container.cpu || numberOrNull(td?.cpu) || undefined;
          if (cpu !== undefined) {
            found.containerCpu = cpu;
            sources.containerCpu = `cpu units of ${container.name}`;
          }
        }
      }
      const tasks = await this.tasks(errors);
      if (tasks) {
        const placed = await this.placeTasks(tasks, errors);
        const hosts = new Map(placed.filter((p) => p.instanceId).map((p) => [p.instanceId!, p.instanceType]));
        if (hosts.size > 0) {
          found.instances = hosts.size;
          sources.instances = 'EC2 instances holding the service\'s tasks';
          const types = [...new Set(hosts.values())].filter((t): t is string => t !== null);
          if (types.length === 1) {
            found.instance = types[0];
            sources.instance = 'EC2 instance type';
          } else if (types.length > 1) errors.push(`the service's tasks run on several instance types (${types.join(', ')}): give --instance`);
        }
      }
    }
    const arn = this.targetGroupArn;
    if (arn) {
      const group = await this.targetGroup(arn, errors);
      if (group?.algorithm === 'round_robin' || group?.algorithm === 'least_outstanding_requests') {
        found.algorithm = group.algorithm;
        sources.algorithm = 'target group load_balancing.algorithm.type';
      }
      if (group?.stickinessEnabled !== null && group?.stickinessEnabled !== undefined) {
        found.stickiness = group.stickinessEnabled && group.stickinessType !== 'app_cookie' ? 'on' : 'off';
        sources.stickiness = `target group stickiness.enabled / stickiness.type (${group.stickinessEnabled ? group.stickinessType ?? 'lb_cookie' : 'disabled'})`;
      }
    }
    return { found, sources, errors };
  }
}
