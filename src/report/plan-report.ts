import type { Prediction } from '../prediction/predict.js';
import type { CandidateOutcome } from '../plan/outcome.js';
import type { PlanResult, PlanTiming } from '../plan/plan.js';
import { stickinessNote } from '../plan/plan-tfvars.js';
import { describeSlo, formatPercent } from '../plan/slo.js';
import type { Interval } from '../sim/stats/interval.js';
import { renderTable } from './table.js';
import { clock } from './autoscaling-report.js';

const usd = (x: number) => x.toFixed(2);
const msShort = (x: number) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : 'n/a');

function pctInterval(i: Interval): string {
  return `${formatPercent(i.mean)} [${formatPercent(i.ciLow)} .. ${formatPercent(i.ciHigh)}]`;
}

function msInterval(i: Interval): string {
  return `${msShort(i.mean)} [${msShort(i.ciLow)} .. ${msShort(i.ciHigh)}]`;
}

function statusText(o: CandidateOutcome): string {
  if (o.status === 'meets') return 'meets';
  if (o.status === 'dropped') return `misses (dropped after ${o.replications})`;
  return 'misses';
}

function predictionLine(label: string, p: Prediction): string {
  return `  ${label.padEnd(14)}error rate ${pctInterval(p.errorRate)}, P95 ${msInterval(p.latencyMs.p95)} ms`;
}

function explainedBlock(o: CandidateOutcome, indent: string): string[] {
  return [
    `${indent}${o.id} (${usd(o.costPerMonthUsd)} USD/month): error rate ${pctInterval(o.errorRate)}, P95 ${msInterval(o.p95Ms)} ms, ${o.replications} replications`,
    `${indent}  why: ${o.why}`,
  ];
}

function candidateTable(rows: CandidateOutcome[]): string {
  return renderTable(
    ['USD/month', 'sizing', 'error rate [95 % CI]', 'P95 ms [95 % CI]', 'SLO'],
    rows.map((o) => [usd(o.costPerMonthUsd), o.id, pctInterval(o.errorRate), msInterval(o.p95Ms), statusText(o)]),
    [true, false, true, true, false],
  );
}

/** The human-readable plan: recommendation, Pareto frontier, nearest cheaper candidates, per-type summary. */
export function renderPlan(result: PlanResult, options: { reproduce?: string; tfvarsPath?: string; timing?: PlanTiming } = {}): string {
  const a = result.analysis;
  const lines: string[] = [];
  const headroom = result.headroom === 1 ? 'no headroom' : `headroom x ${result.headroom}`;
  lines.push(`plan for scenario ${result.scenario.name}, planned load: ${result.scenario.load} (${headroom}); calibration ${result.calibration}`);
  lines.push(`SLO: ${describeSlo(result.slo)}, as means over ${result.replications} replications (seed ${result.seed})`);
  const racing = result.racing
    ? `racing dropped ${result.stats.droppedEarly} early (${Math.round(result.racing.confidence * 100)} % one-sided lower bound above the SLO, looks after ${result.racing.minReplications}, then every ${result.racing.batch} replications)`
    : 'no racing';
  lines.push(`grid: ${result.grid.candidates} candidates (${result.grid.rule}); ${racing}; ${result.stats.replicationsRun} of ${result.stats.replicationsWithoutRacing} replications run`);
  for (const e of result.grid.excluded) lines.push(`  left out: ${e.instanceType} with ${e.workers} workers, ${e.containerMemoryMb} MiB: ${e.reason}`);
  lines.push(
    `prices: ${result.prices.region}, ${result.prices.currency}; EC2 on demand as of ${result.prices.instancePriceDate}, ALB/EFS/EBS as of ${result.prices.otherPriceDate} (${result.prices.note})`,
  );
  lines.push('');

  const rec = a.recommendation;
  if (rec && result.recommended) {
    lines.push(`RECOMMENDED: ${rec.id}`);
    const a = rec.autoscaling;
    if (a) {
      lines.push(
        `  ${'cost'.padEnd(14)}${usd(rec.costPerMonthUsd)} ${result.prices.currency} per month at the ${a.meanInstances.toFixed(2)} instances autoscaling averaged ` +
          `(${usd(a.baseCostPerMonthUsd)} at the minimum of ${rec.instances})`,
      );
      const first = a.firstScaleOutS === null ? 'no scale-out' : `first scale-out at ${clock(a.firstScaleOutS)} in ${a.scaledOutReplications} of ${rec.replications} replications`;
      lines.push(`  ${'autoscaling'.padEnd(14)}${first}; peak ${a.peakRunningTasks.toFixed(1)} tasks on ${a.peakInstances.toFixed(1)} instances; ${a.taskHours.toFixed(2)} task-hours, ${a.instanceHours.toFixed(2)} instance-hours`);
    } else {
      lines.push(`  ${'cost'.padEnd(14)}${usd(rec.costPerMonthUsd)} ${result.prices.currency} per month`);
    }
    lines.push(predictionLine(result.headroom === 1 ? 'predicted' : 'planned load', result.recommended));
    if (result.recommendedAtNominalLoad) lines.push(predictionLine('own load', result.recommendedAtNominalLoad));
    const bounds = a
      ? `asg_min_size = ${rec.instances}, asg_max_size = ${a.maxInstances}, task_min_count = ${rec.tasks}, task_max_count = ${a.maxTasks}`
      : `asg_min_size = asg_max_size = ${rec.instances}, task_min_count = task_max_count = ${rec.tasks}`;
    lines.push(
      `  ${'terraform'.padEnd(14)}asg_instance_type = "${rec.instanceType}", ${bounds}, ` +
        `container_memory = ${rec.containerMemoryMb}, container_cpu = ${rec.containerCpu}, gunicorn_workers = ${rec.workers}`,
    );
    lines.push(`  ${'stickiness'.padEnd(14)}${stickinessNote(rec.stickiness)}`);
    if (options.tfvarsPath) lines.push(`  ${'tfvars'.padEnd(14)}written to ${options.tfvarsPath}`);
    if (options.reproduce) lines.push(`  ${'reproduce'.padEnd(14)}${options.reproduce}`);
  } else {
    lines.push(`NO CANDIDATE MEETS THE SLO (${describeSlo(result.slo)}). The closest candidates and what they miss by:`);
    for (const e of a.closest) lines.push(...explainedBlock(e, '  '));
  }
  lines.push('');

  if (a.pareto.length > 0) {
    lines.push('Pareto frontier, cost vs P95 (candidates whose error rate meets the SLO; none cheaper has a lower P95):');
    lines.push(candidateTable(a.pareto));
  } else {
    lines.push('Pareto frontier: no candidate meets the error-rate objective.');
  }
  lines.push('');

  if (rec) {
    if (a.cheaperCandidates === 0) {
      lines.push('Cheaper candidates: none; the recommendation is the cheapest sizing in the grid.');
    } else {
      lines.push(`Nearest cheaper candidates: all ${a.cheaperCandidates} cheaper candidates miss the SLO. The closest at each cost, nearest first:`);
      for (const level of a.cheaper) {
        lines.push(`  ${usd(level.costPerMonthUsd)} USD/month, ${level.instances} x ${level.instanceType} (${level.candidates} candidate${level.candidates === 1 ? '' : 's'}):`);
        lines.push(...explainedBlock(level.closest, '    '));
      }
    }
    lines.push('');
  }

  lines.push('By instance type:');
  lines.push(
    renderTable(
      ['type', 'candidates', 'meet SLO', 'cheapest that meets', 'USD/month'],
      a.byInstanceType.map((t) => [
        t.instanceType,
        String(t.candidates),
        String(t.meeting),
        t.cheapestMeeting ? t.cheapestMeeting.id : '-',
        t.cheapestMeeting ? usd(t.cheapestMeeting.costPerMonthUsd) : '-',
      ]),
      [false, true, true, false, true],
    ),
  );
  for (const t of a.byInstanceType) {
    if (t.closestMisses.length === 0) continue;
    const which =
      t.meeting === 0
        ? `none of its ${t.candidates} sizings meets the SLO; the closest`
        : `${t.missing} of its ${t.candidates} sizings miss the SLO; the closest of those that cost no more than its cheapest that meets`;
    lines.push(`  why ${t.instanceType} sizings fail (${which}):`);
    for (const o of t.closestMisses) lines.push(...explainedBlock(o, '    '));
  }
  if (options.timing) {
    const seconds = options.timing.wallMs / 1000;
    lines.push('');
    lines.push(
      `${result.grid.candidates} candidates in ${seconds.toFixed(1)} s on ${options.timing.threads} thread${options.timing.threads === 1 ? '' : 's'} ` +
        `(${(result.grid.candidates / seconds).toFixed(1)} candidates/s)`,
    );
  }
  return lines.join('\n');
}

