/**
 * What the service's autoscaling did during a live run, as AWS shows it: the
 * ECS service's desired / running / pending counts and the state of every
 * CloudWatch alarm its target tracking policy created (their names start
 * with "TargetTracking-service/CLUSTER/SERVICE"), sampled every interval from
 * the start of the run to its end; then the scaling activities Application
 * Auto Scaling recorded in that window and the service's CPUUtilization
 * datapoints (AWS/ECS, one a minute, the metric target tracking reads).
 * So a run can be read beside `predict`'s `autoscaling` section: when the
 * alarm fired, when the desired count moved, when the tasks ran. Every call is
 * bounded; a failure is one line (a refused permission names the IAM action)
 * and never stops the load. Credentials come from the SDK's default chain.
 */
import { ApplicationAutoScalingClient, DescribeScalingActivitiesCommand } from '@aws-sdk/client-application-auto-scaling';
import { CloudWatchClient, DescribeAlarmsCommand, GetMetricDataCommand, type MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs';
import { abortableSleep, round3 } from '../abortable-sleep.js';
import { describeAwsFailure, sendWithTimeout } from './aws-call.js';

export interface ScalingSample {
  /** Seconds from the start of the run. */
  atSeconds: number;
  desired: number | null;
  running: number | null;
  pending: number | null;
  /** State of each target tracking alarm by name (OK, ALARM, INSUFFICIENT_DATA); empty when they could not be read. */
  alarms: Record<string, string>;
}

export interface ScalingAlarmDefinition {
  name: string;
  metric: string | null;
  comparison: string | null;
  threshold: number | null;
  evaluationPeriods: number | null;
  datapointsToAlarm: number | null;
  periodSeconds: number | null;
}

export interface ScalingActivity {
  startedAtSeconds: number | null;
  endedAtSeconds: number | null;
  status: string | null;
  description: string | null;
  cause: string | null;
}

export interface ScalingWatch {
  intervalSeconds: number;
  samples: ScalingSample[];
  alarms: ScalingAlarmDefinition[];
  /** Every change of an alarm's state between samples (the sample that first saw it). */
  transitions: Array<{ atSeconds: number; alarm: string; from: string | null; to: string }>;
  activities: ScalingActivity[];
  /** The service's CPUUtilization, one datapoint a minute, stamped with its minute's start. */
  cpuUtilization: Array<{ atSeconds: number; value: number }>;
  errors: string[];
}

export interface ScalingWatchOptions {
  region: string;
  cluster: string;
  service: string;
  /** Time between samples, ms (default 15 s). */
  intervalMs?: number;
  /** Timeout of each AWS call, ms (default 10 s). */
  callTimeoutMs?: number;
  ecs?: ECSClient;
  cloudwatch?: CloudWatchClient;
  autoscaling?: ApplicationAutoScalingClient;
}

export class ScalingWatcher {
  private readonly ecs: ECSClient;
  private readonly cloudwatch: CloudWatchClient;
  private readonly autoscaling: ApplicationAutoScalingClient;
  private readonly intervalMs: number;
  private readonly callTimeoutMs: number;
  private readonly samples: ScalingSample[] = [];
  private readonly definitions = new Map<string, ScalingAlarmDefinition>();
  private readonly errors: string[] = [];
  private startMs = 0;
  private loop: Promise<void> | null = null;
  private readonly stopping = new AbortController();
  private onError: (line: string) => void = () => undefined;

  constructor(private readonly options: ScalingWatchOptions) {
    this.ecs = options.ecs ?? new ECSClient({ region: options.region });
    this.cloudwatch = options.cloudwatch ?? new CloudWatchClient({ region: options.region });
    this.autoscaling = options.autoscaling ?? new ApplicationAutoScalingClient({ region: options.region });
    this.intervalMs = options.intervalMs ?? 15_000;
    this.callTimeoutMs = options.callTimeoutMs ?? 10_000;
  }

  private get alarmPrefix(): string {
    return `TargetTracking-service/${this.options.cluster}/${this.options.service}`;
  }

  private async call<T>(action: string, send: (signal: AbortSignal) => Promise<T>): Promise<T | null> {
    try {
      return await sendWithTimeout(send, this.callTimeoutMs);
    } catch (error) {
      const line = describeAwsFailure(action, error);
      if (!this.errors.includes(line)) {
        this.errors.push(line);
        this.onError(line);
      }
      return null;
    }
  }

  /**
   * Starts sampling now (`startMs`: the run's start, epoch ms, that sample times are counted from);
   * `onError` hears each distinct problem once, when it first happens.
   */
  start(startMs: number, onError: (line: string) => void = () => undefined): void {
    if (this.loop) return;
    this.startMs = startMs;
    this.onError = onError;
    this.loop = (async () => {
      while (!this.stopping.signal.aborted) {
        await this.sample();
        await abortableSleep(this.intervalMs, this.stopping.signal);
      }
    })();
  }

  private async sample(): Promise<void> {
    const atSeconds = round3((Date.now() - this.startMs) / 1000);
    const { cluster, service } = this.options;
    const [services, alarms] = await Promise.all([
      this.call('ecs:DescribeServices', (abortSignal) => this.ecs.send(new DescribeServicesCommand({ cluster, services: [service] }), { abortSignal })),
      this.describeAlarms(),
    ]);
    const found = services?.services?.[0];
    const states: Record<string, string> = {};
    for (const alarm of alarms ?? []) {
      if (!alarm.AlarmName) continue;
      states[alarm.AlarmName] = alarm.StateValue ?? 'unknown';
      if (!this.definitions.has(alarm.AlarmName)) {
        this.definitions.set(alarm.AlarmName, {
          name: alarm.AlarmName,
          metric: alarm.MetricName ?? alarm.Metrics?.find((m) => m.ReturnData !== false)?.Id ?? null,
          comparison: alarm.ComparisonOperator ?? null,
          threshold: alarm.Threshold ?? null,
          evaluationPeriods: alarm.EvaluationPeriods ?? null,
          datapointsToAlarm: alarm.DatapointsToAlarm ?? null,
          periodSeconds: alarm.Period ?? null,
        });
      }
    }
    this.samples.push({ atSeconds, desired: found?.desiredCount ?? null, running: found?.runningCount ?? null, pending: found?.pendingCount ?? null, alarms: states });
  }

  private async describeAlarms(): Promise<MetricAlarm[] | null> {
    const out: MetricAlarm[] = [];
    let NextToken: string | undefined;
    do {
      const page = await this.call('cloudwatch:DescribeAlarms', (abortSignal) =>
        this.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNamePrefix: this.alarmPrefix, AlarmTypes: ['MetricAlarm'], NextToken }), { abortSignal }));
      if (!page) return null;
      out.push(...(page.MetricAlarms ?? []));
      NextToken = page.NextToken;
    } while (NextToken);
    return out;
  }

  private seconds(date: Date | undefined): number | null {
    return date ? round3((date.getTime() - this.startMs) / 1000) : null;
  }

  private async activities(): Promise<ScalingActivity[]> {
    const { cluster, service } = this.options;
    const out: ScalingActivity[] = [];
    let NextToken: string | undefined;
    // Newest first: page until an activity started before the run.
    do {
      const page = await this.call('application-autoscaling:DescribeScalingActivities', (abortSignal) =>
        this.autoscaling.send(
          new DescribeScalingActivitiesCommand({ ServiceNamespace: 'ecs', ResourceId: `service/${cluster}/${service}`, ScalableDimension: 'ecs:service:DesiredCount', NextToken }),
          { abortSignal },
        ));
      if (!page) break;
      let older = false;
      for (const a of page.ScalingActivities ?? []) {
        const started = this.seconds(a.StartTime);
        if (started !== null && started < 0) {
          older = true;
          continue;
        }
        out.push({ startedAtSeconds: started, endedAtSeconds: this.seconds(a.EndTime), status: a.StatusCode ?? null, description: a.Description ?? null, cause: a.Cause ?? null });
      }
      NextToken = older ? undefined : page.NextToken;
    } while (NextToken);
    return out.sort((a, b) => (a.startedAtSeconds ?? 0) - (b.startedAtSeconds ?? 0));
  }

  private async cpuUtilization(endMs: number): Promise<ScalingWatch['cpuUtilization']> {
    const { cluster, service } = this.options;
    const from = Math.floor(this.startMs / 60_000) * 60_000;
    const response = await this.call('cloudwatch:GetMetricData', (abortSignal) =>
      this.cloudwatch.send(
        new GetMetricDataCommand({
          StartTime: new Date(from),
          EndTime: new Date(endMs),
          ScanBy: 'TimestampAscending',
          MetricDataQueries: [
            {
              Id: 'cpu',
              MetricStat: {
                Metric: { Namespace: 'AWS/ECS', MetricName: 'CPUUtilization', Dimensions: [{ Name: 'ClusterName', Value: cluster }, { Name: 'ServiceName', Value: service }] },
                Period: 60,
                Stat: 'Average',
              },
            },
          ],
        }),
        { abortSignal },
      ));
    const result = response?.MetricDataResults?.find((r) => r.Id === 'cpu');
    const times = result?.Timestamps ?? [];
    const values = result?.Values ?? [];
    return times.map((t, i) => ({ atSeconds: round3((t.getTime() - this.startMs) / 1000), value: values[i] })).sort((a, b) => a.atSeconds - b.atSeconds);
  }

  /** Stops sampling, takes a last sample, reads the window's activities and CPU datapoints; never rejects. */
  async stop(): Promise<ScalingWatch> {
    this.stopping.abort();
    await this.loop;
    await this.sample();
    const endMs = Date.now();
    const [activities, cpuUtilization] = await Promise.all([this.activities(), this.cpuUtilization(endMs)]);
    const transitions: ScalingWatch['transitions'] = [];
    const last = new Map<string, string>();
    for (const s of this.samples) {
      for (const [alarm, state] of Object.entries(s.alarms)) {
        const before = last.get(alarm) ?? null;
        if (before !== state) transitions.push({ atSeconds: s.atSeconds, alarm, from: before, to: state });
        last.set(alarm, state);
      }
    }
    return {
      intervalSeconds: this.intervalMs / 1000,
      samples: this.samples.slice(),
      alarms: [...this.definitions.values()],
      transitions,
      activities,
      cpuUtilization,
      errors: this.errors.slice(),
    };
  }
}
