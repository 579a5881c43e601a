/**
 * summary.json's `aws` section: the AWS state of every burst (target health,
 * target-group settings, service counts, task placement), the per-container
 * CPU from the same burst's docker stats attributed to its task (docker's
 * container id is the prefix of ECS's runtimeId), the sizing read from AWS,
 * and each AWS problem once.
 */
import type { AwsBurstState, FoundSizing } from './diagnostics/aws-state.js';
import type { ScalingWatch } from './diagnostics/scaling-watch.js';
import type { DiagnosticsCollection } from './diagnostics/types.js';

export interface AwsTaskContainer {
  name: string;
  runtimeId: string | null;
  /** docker stats of the container during the burst, when the host diagnostics ran on its instance. */
  cpuPercent: number | null;
  memUsedBytes: number | null;
}

export interface AwsSection {
  region: string;
  targetGroupArn: string | null;
  cluster: string | null;
  service: string | null;
  /** The sizing AWS reported before the run, and where each field came from. */
  sizingFound: FoundSizing | null;
  sizingSources: Record<string, string>;
  bursts: Array<Omit<AwsBurstState, 'tasks'> & { tasks: Array<Omit<NonNullable<AwsBurstState['tasks']>[number], 'containers'> & { containers: AwsTaskContainer[]; cpuPercent: number | null }> | null }>;
  /**
   * With --cluster/--service: the service's desired / running / pending counts and its target tracking alarms'
   * states sampled over the run, the alarms' definitions, their changes, the scaling activities and the
   * service's CPUUtilization datapoints of the run (null without a service, or when the watch did not finish).
   */
  scaling: ScalingWatch | null;
  /** Every distinct problem, once (a refused permission names its IAM action). */
  errors: string[];
}

export interface AwsSectionInput {
  region: string;
  targetGroupArn?: string;
  cluster?: string;
  service?: string;
  sizingFound: FoundSizing | null;
  sizingSources: Record<string, string>;
  sizingErrors: string[];
  states: AwsBurstState[];
  diagnostics: DiagnosticsCollection[];
  scaling?: ScalingWatch | null;
}

export function buildAwsSection(input: AwsSectionInput): AwsSection {
  const bursts = [...input.states].sort((a, b) => a.trigger.atSeconds - b.trigger.atSeconds).map((state) => {
    const collection = input.diagnostics.find((c) => c.trigger.label === state.trigger.label);
    const tasks = state.tasks?.map((task) => {
      const host = collection?.hosts.find((h) => h.host === task.instanceId);
      const containers = task.containers.map((container) => {
        const stats = container.runtimeId ? host?.parsed.containers?.find((c) => c.id !== null && container.runtimeId!.startsWith(c.id)) : undefined;
        return { ...container, cpuPercent: stats?.cpuPercent ?? null, memUsedBytes: stats?.memUsedBytes ?? null };
      });
      const measured = containers.filter((c) => c.cpuPercent !== null);
      return { ...task, containers, cpuPercent: measured.length > 0 ? measured.reduce((sum, c) => sum + c.cpuPercent!, 0) : null };
    }) ?? null;
    return { ...state, tasks };
  });
  return {
    region: input.region,
    targetGroupArn: input.targetGroupArn ?? null,
    cluster: input.cluster ?? null,
    service: input.service ?? null,
    sizingFound: input.sizingFound,
    sizingSources: input.sizingSources,
    bursts,
    scaling: input.scaling ?? null,
    errors: [...new Set([...input.sizingErrors, ...input.states.flatMap((s) => s.errors), ...(input.scaling?.errors ?? [])])],
  };
}
