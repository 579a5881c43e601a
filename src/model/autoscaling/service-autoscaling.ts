import type { Scheduler } from '../../sim/scheduler.js';
import type { Datapoint, PublishedMetric } from './cloudwatch-metric.js';
import type { ScalingRecord } from './scaling-record.js';
import type { ScalingDecision, TargetTrackingPolicy } from './target-tracking.js';

/** What service autoscaling changes: the ECS service's desired count. */
export interface ScalableService {
  readonly desiredCount: number;
  setDesiredCount(count: number): void;
}

export interface ServiceAutoscalingOptions {
  metric: PublishedMetric;
  policy: TargetTrackingPolicy;
  service: ScalableService;
  record: ScalingRecord;
  /** Instances in the group now (for the record). */
  instanceCount(): number;
}

/**
 * Application Auto Scaling on the ECS service: every datapoint of the
 * service's metric goes to the target tracking policy's alarms; a decision
 * sets the service's desired count at the moment the datapoint arrives.
 */
export class ServiceAutoscaling {
  readonly decisions: ScalingDecision[] = [];

  constructor(
    private readonly scheduler: Scheduler,
    private readonly options: ServiceAutoscalingOptions,
  ) {
    options.metric.subscribe(this.onDatapoint);
  }

  private readonly onDatapoint = (datapoint: Datapoint): void => {
    const { policy, service, record, metric } = this.options;
    const before = { tasks: service.desiredCount, instances: this.options.instanceCount() };
    const decision = policy.evaluate(datapoint, this.scheduler.now, service.desiredCount);
    if (!decision) return;
    this.decisions.push(decision);
    service.setDesiredCount(decision.to);
    record.event(decision.action, before, metric.name, decision.metricValue);
  };
}
