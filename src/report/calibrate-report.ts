import type { CalibrationReport } from '../calibrate/calibrate.js';
import type { LossTerm } from '../calibrate/loss.js';
import { formatNumber, renderTable } from './table.js';

const LABELS: Record<string, string> = {
  errorRate: 'error rate',
  p50Ms: 'P50',
  p95Ms: 'P95',
  p99Ms: 'P99',
  throughputOpsPerSecond: 'throughput (ok ops/s)',
  cpuUtilPeak: 'CPU peak',
  iowaitPeak: 'iowait peak',
  memAvailableMinMb: 'memory available min',
};

export function metricLabel(metric: string): string {
  if (metric.startsWith('perOperationMeanMs.')) return `mean ${metric.slice('perOperationMeanMs.'.length)}`;
  return LABELS[metric] ?? metric;
}

/** A metric value in its unit. */
export function metricValue(metric: string, value: number | null): string {
  if (value === null || !Number.isFinite(value)) return 'n/a';
  if (metric === 'errorRate' || metric === 'cpuUtilPeak' || metric === 'iowaitPeak') return `${(100 * value).toFixed(value < 0.001 ? 3 : 2)} %`;
  if (metric === 'memAvailableMinMb') return `${Math.round(value)} MB`;
  if (metric === 'throughputOpsPerSecond') return `${value.toFixed(2)}/s`;
  return `${Math.round(value).toLocaleString('en-US')} ms`;
}

const signedPct = (x: number | null) => (x === null ? '' : `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)} %`);

function termTable(terms: LossTerm[]): string {
  return renderTable(
    ['metric', 'observed', 'predicted', 'rel. error', 'loss term'],
    terms.map((t) => [metricLabel(t.metric), metricValue(t.metric, t.observed), metricValue(t.metric, t.predicted), signedPct(t.relativeError), t.term.toFixed(5)]),
    [false, true, true, true, true],
  );
}

/** The human-readable calibration report. */
export function renderCalibration(r: CalibrationReport): string {
  const lines: string[] = [];
  const names = Object.keys(r.fitted);
  lines.push(
    `fitted ${names.length} parameter${names.length === 1 ? '' : 's'} to ${r.runs.length} run${r.runs.length === 1 ? '' : 's'} ` +
      `(${r.stackKind} stack, starting from ${r.base}), ${r.replications} replications per run, seed ${r.seed}`,
  );
  lines.push(`loss ${formatNumber(r.startLoss)} -> ${formatNumber(r.loss)} after ${r.evaluations} evaluations (${r.stopReason === 'converged' ? 'converged' : 'stopped at --max-evaluations'})`);
  lines.push('');
  lines.push(
    renderTable(
      ['parameter', 'start', 'fitted', 'search range'],
      names.map((n) => [n, formatNumber(r.start[n]), formatNumber(r.fitted[n]), `${formatNumber(r.space[n].lo)} .. ${formatNumber(r.space[n].hi)} (${r.space[n].kind})`]),
      [false, true, true, false],
    ),
  );
  for (const run of r.runs) {
    const s = run.sizing;
    lines.push('');
    lines.push(
      `run ${run.label}: ${s.instances ?? '?'} x ${s.instance}, ${s.tasks} tasks, ${s.workers} ${s.workerClass} workers, ${s.algorithm}; ` +
        `scenario ${run.scenario.name}; ${run.operations} operations; loss ${formatNumber(run.loss)}`,
    );
    lines.push(termTable(run.terms));
  }
  lines.push('');
  lines.push('identifiability (observed metrics that move when the parameter changes x1.5):');
  for (const s of r.identifiability) {
    lines.push(`  ${s.parameter}: ${s.identifiable ? s.moves.join(', ') : 'none (not identifiable from these runs)'}`);
  }
  if (r.leaveOneOut) {
    lines.push('');
    lines.push('leave-one-out (refit without the run, then predict it):');
    const rows = r.leaveOneOut.runs.map((run) => {
      const term = (metric: string) => run.terms.find((t) => t.metric === metric);
      const er = term('errorRate');
      const p95 = term('p95Ms');
      return [
        run.label,
        Object.entries(run.values)
          .map(([n, v]) => `${n}=${formatNumber(v)}`)
          .join(' '),
        er ? `${metricValue('errorRate', er.observed)} / ${metricValue('errorRate', er.predicted)}` : 'n/a',
        p95 ? `${metricValue('p95Ms', p95.observed)} / ${metricValue('p95Ms', p95.predicted)}` : 'n/a',
        signedPct(p95?.relativeError ?? null),
        formatNumber(run.loss),
      ];
    });
    lines.push(renderTable(['left out', 'refitted', 'error rate obs / pred', 'P95 obs / pred', 'P95 error', 'loss'], rows, [false, false, true, true, true, true]));
    const mean = Object.entries(r.leaveOneOut.meanAbsRelativeError)
      .map(([m, v]) => `${metricLabel(m)} ${(100 * v).toFixed(1)} %`)
      .join(', ');
    lines.push(`mean |relative error| of left-out runs: ${mean}`);
  }
  if (r.warnings.length > 0) {
    lines.push('');
    for (const w of r.warnings) lines.push(`warning: ${w}`);
  }
  lines.push('');
  lines.push(r.out ? `wrote ${r.out}; predict with it (the first run's sizing):\n  ${r.predictCommand}` : 'no --out given: nothing written');
  return lines.join('\n');
}
