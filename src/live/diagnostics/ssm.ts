/**
 * Runs the diagnostic script on every in-service instance of an Auto Scaling
 * group through AWS Systems Manager: DescribeAutoScalingGroups for the
 * instance ids, SendCommand with AWS-RunShellScript, then GetCommandInvocation
 * polled per instance until a final status or the deadline. Every AWS call
 * has its own timeout; every failure is recorded, none is thrown.
 * Credentials come from the SDK's default chain and are never recorded.
 */
import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { GetCommandInvocationCommand, SendCommandCommand, SSMClient } from '@aws-sdk/client-ssm';
import { errorText, sendWithTimeout } from './aws-call.js';
import { diagnosticsScript, failedHost, parseHostSections, splitSections } from './script.js';
import type { DiagnosticsCollection, DiagnosticsCollector, DiagnosticsTrigger, HostDiagnostics } from './types.js';

export interface SsmDiagnosticsOptions {
  asgName: string;
  region: string;
  sampleSeconds?: number;
  /** Give up on instances that have not finished this long after SendCommand, ms (default: window + 45 s). */
  commandTimeoutMs?: number;
  /** Interval between GetCommandInvocation polls, ms (default 1000). */
  pollIntervalMs?: number;
  /** Timeout of each single AWS API call, ms (default 10 s). */
  callTimeoutMs?: number;
  /** Injected clients (tests, custom credentials). */
  ssm?: SSMClient;
  autoScaling?: AutoScalingClient;
}

const FINAL_STATUSES = new Set(['Success', 'Failed', 'Cancelled', 'TimedOut', 'Undeliverable', 'Terminated', 'InvalidPlatform', 'AccessDenied']);
/** SendCommand accepts at most 50 instance ids. */
const MAX_TARGETS_PER_COMMAND = 50;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The in-service instance ids of an Auto Scaling group (throws a one-line Error when the group is missing). */
export async function listAsgInstances(client: AutoScalingClient, asgName: string, callTimeoutMs = 10_000): Promise<string[]> {
  const response = await sendWithTimeout(
    (abortSignal) => client.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [asgName] }), { abortSignal }),
    callTimeoutMs,
  );
  const group = response.AutoScalingGroups?.find((candidate) => candidate.AutoScalingGroupName === asgName);
  if (!group) throw new Error(`Auto Scaling group "${asgName}" not found`);
  return (group.Instances ?? [])
    .filter((instance) => instance.LifecycleState === 'InService' && instance.InstanceId)
    .map((instance) => instance.InstanceId!);
}

export class SsmDiagnostics implements DiagnosticsCollector {
  readonly source = 'ssm' as const;
  readonly sampleSeconds: number;
  private readonly ssm: SSMClient;
  private readonly autoScaling: AutoScalingClient;
  private readonly commandTimeoutMs: number;
  private readonly pollIntervalMs: number;
  private readonly callTimeoutMs: number;

  constructor(private readonly options: SsmDiagnosticsOptions) {
    this.sampleSeconds = Math.max(1, Math.round(options.sampleSeconds ?? 5));
    this.ssm = options.ssm ?? new SSMClient({ region: options.region });
    this.autoScaling = options.autoScaling ?? new AutoScalingClient({ region: options.region });
    this.commandTimeoutMs = options.commandTimeoutMs ?? (this.sampleSeconds + 45) * 1000;
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.callTimeoutMs = options.callTimeoutMs ?? 10_000;
  }

  async collect(trigger: DiagnosticsTrigger, signal?: AbortSignal): Promise<DiagnosticsCollection> {
    const startedAt = new Date().toISOString();
    const errors: string[] = [];
    let hosts: HostDiagnostics[] = [];
    try {
      const instanceIds = await listAsgInstances(this.autoScaling, this.options.asgName, this.callTimeoutMs);
      if (instanceIds.length === 0) errors.push(`Auto Scaling group "${this.options.asgName}" has no in-service instance`);
      const batches: string[][] = [];
      for (let i = 0; i < instanceIds.length; i += MAX_TARGETS_PER_COMMAND) batches.push(instanceIds.slice(i, i + MAX_TARGETS_PER_COMMAND));
      const results = await Promise.all(batches.map((batch) => this.runBatch(batch, errors, signal)));
      hosts = results.flat();
    } catch (error) {
      errors.push(`listing instances: ${errorText(error)}`);
    }
    return { source: 'ssm', trigger, startedAt, finishedAt: new Date().toISOString(), hosts, errors };
  }

  private async runBatch(instanceIds: string[], errors: string[], signal?: AbortSignal): Promise<HostDiagnostics[]> {
    const sentAt = new Date().toISOString();
    const deadline = Date.now() + this.commandTimeoutMs;
    let commandId: string | undefined;
    try {
      const response = await sendWithTimeout((abortSignal) => this.ssm.send(
        new SendCommandCommand({
          DocumentName: 'AWS-RunShellScript',
          InstanceIds: instanceIds,
          Comment: 'capsim validate diagnostics',
          TimeoutSeconds: Math.max(30, Math.ceil(this.commandTimeoutMs / 1000)),
          Parameters: {
            commands: [diagnosticsScript(this.sampleSeconds)],
            executionTimeout: [String(this.sampleSeconds + 30)],
          },
        }),
        { abortSignal },
      ), this.callTimeoutMs);
      commandId = response.Command?.CommandId;
      if (!commandId) throw new Error('SendCommand returned no CommandId');
    } catch (error) {
      const text = `SendCommand: ${errorText(error)}`;
      errors.push(text);
      return instanceIds.map((id) => failedHost(id, sentAt, new Date().toISOString(), text));
    }
    return Promise.all(instanceIds.map((id) => this.await(commandId!, id, sentAt, deadline, signal)));
  }

  private async await(commandId: string, instanceId: string, sentAt: string, deadline: number, signal?: AbortSignal): Promise<HostDiagnostics> {
    let lastProblem = '';
    for (;;) {
      await sleep(Math.min(this.pollIntervalMs, Math.max(0, deadline - Date.now())));
      try {
        const invocation = await sendWithTimeout(
          (abortSignal) => this.ssm.send(new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: instanceId }), { abortSignal }),
          Math.max(1, Math.min(this.callTimeoutMs, deadline - Date.now() + 1)),
        );
        const status = invocation.Status ?? 'Pending';
        if (FINAL_STATUSES.has(status)) {
          const stdout = invocation.StandardOutputContent ?? '';
          const hostErrors: string[] = [];
          if (status !== 'Success') {
            const stderr = (invocation.StandardErrorContent ?? '').split('\n').find((line) => line.trim()) ?? '';
            hostErrors.push(
              `SSM command ${status}${invocation.ResponseCode !== undefined && invocation.ResponseCode !== -1 ? ` (exit ${invocation.ResponseCode})` : ''}${stderr ? `: ${stderr.trim().slice(0, 200)}` : ''}`,
            );
          }
          const raw = splitSections(stdout, this.sampleSeconds);
          const finishedAt = new Date().toISOString();
          if (status !== 'Success' && Object.keys(raw).length === 0) return failedHost(instanceId, sentAt, finishedAt, hostErrors[0]);
          return parseHostSections(instanceId, raw, sentAt, finishedAt, hostErrors);
        }
        lastProblem = `status ${status}`;
      } catch (error) {
        const text = errorText(error);
        // Right after SendCommand the invocation may not exist yet: keep polling.
        lastProblem = /InvocationDoesNotExist/.test(text) ? 'invocation not yet visible' : text;
      }
      if (signal?.aborted) {
        return failedHost(instanceId, sentAt, new Date().toISOString(), `abandoned (run stopped; last: ${lastProblem})`);
      }
      if (Date.now() >= deadline) {
        const text = `SSM command timed out after ${Math.round(this.commandTimeoutMs / 1000)} s (last: ${lastProblem})`;
        return failedHost(instanceId, sentAt, new Date().toISOString(), text);
      }
    }
  }
}
