import type { Prediction } from '../prediction/predict.js';
import type { CandidateOutcome } from './outcome.js';
import type { PlanResult } from './plan.js';
import { describeSlo, formatMs, formatPercent } from './slo.js';
import { writeTfvars, type TfvarsSizing } from './tfvars.js';

/**
 * The recommendation as terraform-aws-pypiserver variables. The minimum is
 * the planned sizing: a CI burst arrives within seconds, far faster than an
 * Auto Scaling group or ECS service autoscaling adds capacity, so that
 * capacity has to be running when the burst starts. With autoscaling the
 * maximum is the policy's (what sustained load may scale to, as predicted);
 * without, minimum = maximum. EFS stays in bursting mode (the mode the cost
 * assumes).
 */
export function tfvarsSizingFor(o: CandidateOutcome): TfvarsSizing {
  return {
    instanceType: o.instanceType,
    instancesMin: o.instances,
    instancesMax: o.autoscaling ? o.autoscaling.maxInstances : o.instances,
    tasksMin: o.tasks,
    tasksMax: o.autoscaling ? o.autoscaling.maxTasks : o.tasks,
    containerMemoryMb: o.containerMemoryMb,
    containerMemoryReservationMb: o.reservationMb,
    containerCpu: o.containerCpu,
    workers: o.workers,
    efsThroughputMode: 'bursting',
  };
}

function figures(p: Prediction): string {
  const e = p.errorRate;
  const q = p.latencyMs.p95;
  return (
    `error rate ${formatPercent(e.mean)} (95 % interval ${formatPercent(e.ciLow)} .. ${formatPercent(e.ciHigh)}), ` +
    `P95 ${formatMs(q.mean)} (${formatMs(q.ciLow)} .. ${formatMs(q.ciHigh)})`
  );
}

/**
 * The `capsim predict` command line that reproduces a candidate's figures;
 * `scenarioArgs` names the scenario and the overrides that give the planned
 * load (e.g. ["--scenario production-incident", "--burst-size 765"]).
 */
export function reproduceCommand(result: PlanResult, o: CandidateOutcome, scenarioArgs: string[]): string {
  const args = [
    'capsim predict',
    ...scenarioArgs,
    `--instance ${o.instanceType}`,
    `--instances ${o.instances}`,
    `--tasks ${o.tasks}`,
    `--workers ${o.workers}`,
    `--worker-class ${o.workerClass}`,
    `--algorithm ${o.algorithm}`,
    `--stickiness ${o.stickiness ? 'on' : 'off'}`,
    `--container-memory ${o.containerMemoryMb}`,
    `--calibration ${result.calibration}`,
    `--replications ${o.replications}`,
    `--seed ${result.seed}`,
  ];
  return args.join(' ');
}

/** Comment lines for the tfvars header: SLO, scenario, headroom, calibration, predicted figures, cost. */
export function tfvarsHeader(result: PlanResult, reproduce: string): string[] {
  const o = result.analysis.recommendation;
  if (!o || !result.recommended) return [];
  const lines = [
    'Written by `capsim plan`: the cheapest sizing in the grid that meets the SLO.',
    `SLO: ${describeSlo(result.slo)} (means over ${result.replications} replications, seed ${result.seed})`,
    `Scenario: ${result.scenario.name}; planned load: ${result.scenario.load}${result.headroom === 1 ? ' (no headroom)' : ` (headroom x ${result.headroom})`}`,
    `Calibration: ${result.calibration}`,
    `Sizing: ${o.id}; tasks per instance ${o.tasksPerInstance.join('+')}`,
    `Predicted at the planned load: ${figures(result.recommended)}`,
  ];
  if (result.recommendedAtNominalLoad) lines.push(`Predicted at the scenario's own load: ${figures(result.recommendedAtNominalLoad)}`);
  const price = `${result.prices.currency} per month (${result.prices.region}, instance prices of ${result.prices.instancePriceDate})`;
  const a = o.autoscaling;
  if (a) {
    lines.push(
      `Cost: ${o.costPerMonthUsd.toFixed(2)} ${price}, at the ${a.meanInstances.toFixed(2)} instances autoscaling averaged under the planned load ` +
        `(${a.baseCostPerMonthUsd.toFixed(2)} at the minimum); peak ${a.peakRunningTasks.toFixed(1)} tasks on ${a.peakInstances.toFixed(1)} instances`,
      'Min = the planned sizing: a CI burst arrives faster than autoscaling adds capacity, so it must already run; max = the autoscaling policy\'s bounds.',
    );
  } else {
    lines.push(`Cost: ${o.costPerMonthUsd.toFixed(2)} ${price}`, 'Min = max: a CI burst arrives faster than autoscaling adds capacity, so the planned capacity must already run.');
  }
  if (o.workerClass !== 'gevent') lines.push(`Worker class ${o.workerClass}: the module runs gevent workers; this is not a module variable.`);
  if (o.algorithm !== 'round_robin') lines.push(`ALB algorithm ${o.algorithm}: set load_balancing_algorithm_type on the target group; not a variable of this module.`);
  lines.push(stickinessNote(o.stickiness));
  lines.push(`Reproduce: ${reproduce}`);
  return lines;
}

export function planTfvars(result: PlanResult, reproduce: string): string | null {
  const o = result.analysis.recommendation;
  if (!o) return null;
  return writeTfvars(tfvarsSizingFor(o), tfvarsHeader(result, reproduce));
}

/**
 * What the recommendation assumes about stickiness, and where that is set:
 * stickiness_enabled belongs to the web-pod module the pypiserver module
 * builds its target group with (default true), so no tfvar of this module can
 * set it.
 */
export function stickinessNote(stickiness: boolean): string {
  return (
    `Assumes target-group stickiness ${stickiness ? 'on' : 'off'}${stickiness ? ' (as deployed)' : ''}: stickiness_enabled is a variable of the web-pod module ` +
    `(default true), not of terraform-aws-pypiserver; no variable is written for it${stickiness ? '' : ': set it to false there'}.`
  );
}
