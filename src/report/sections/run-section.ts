/** The report section of one measured run (capsim validate): what was sent where, the figures, its charts. */
import type { ThresholdResult } from '../../gate/evaluate.js';
import type { Chart } from '../charts/chart.js';
import { instanceSeriesChart } from '../charts/instance-series-chart.js';
import { latencyCdfChart } from '../charts/latency-cdf-chart.js';
import { shareChart } from '../charts/share-chart.js';
import { timelineChart } from '../charts/timeline-chart.js';
import type { PageSection } from '../page/page.js';
import { runBursts, runDistributions, runFigures, runInstanceSamples, runShares, runTimeline, type RunData, type RunOperation } from '../sources/run-view.js';
import { countCell, figuresTable, msCell, pctCell, thresholdVerdict } from './tables.js';

export function runCharts(s: RunData, operations: readonly RunOperation[] | null, id: string): Chart[] {
  const timeline = runTimeline(s);
  const distributions = runDistributions(s, operations);
  const shares = runShares(s);
  const charts = [
    timeline ? timelineChart(`${id}-timeline`, [timeline]) : null,
    distributions ? latencyCdfChart(`${id}-latency`, [distributions]) : null,
    shareChart(`${id}-upstream-share`, 'target', shares.bars, shares.scope),
    instanceSeriesChart(`${id}-instances`, runInstanceSamples(s), runBursts(s), 'per-burst'),
  ];
  return charts.filter((c): c is Chart => c !== null);
}

function sizingText(sizing: RunData['sizing']): string {
  if (!sizing || Object.keys(sizing).length === 0) return 'sizing not declared';
  return Object.entries(sizing)
    .map(([k, v]) => `${k} ${String(v)}`)
    .join(', ');
}

export function runSection(s: RunData, operations: readonly RunOperation[] | null, options: { id: string; title: string; thresholds?: ThresholdResult[] }): PageSection {
  const notices: string[] = [];
  if (s.interrupted) notices.push(`A partial run: stopped early (${s.interrupt_reason ?? 'interrupted'}${s.interrupt_detail ? `: ${s.interrupt_detail}` : ''}). Every figure covers what was measured until then.`);
  if (!operations) notices.push('requests.ndjson was not found next to the summary: the latency distribution is left out.');
  const ops = Object.entries(s.operations ?? {});
  const statuses = Object.entries(s.status_code_counts ?? {});
  const hosts = (s.diagnostics ?? []).flatMap((c) =>
    c.hosts.map((h) => [
      c.trigger.label,
      h.host,
      h.parsed.cpu ? pctCell((h.parsed.cpu.user + h.parsed.cpu.system) / 100) : 'n/a',
      h.parsed.cpu ? pctCell(h.parsed.cpu.iowait / 100) : 'n/a',
      h.parsed.memory ? `${Math.round(h.parsed.memory.availableMb ?? h.parsed.memory.freeMb).toLocaleString('en-US')} MB` : 'n/a',
      h.parsed.memory ? `${Math.round(h.parsed.memory.swapUsedMb).toLocaleString('en-US')} MB` : 'n/a',
      h.errors.length > 0 ? h.errors.join('; ') : '',
    ]),
  );
  return {
    id: options.id,
    title: options.title,
    meta: [
      `${s.target ?? 'target not recorded'}: scenario ${s.scenario?.name ?? s.profile} (${s.flow ?? s.scenario?.flow ?? 'flow not recorded'}), ${sizingText(s.sizing)}`,
      `started ${s.start_time}, ${s.duration_seconds.toFixed(1)} s, ${s.total_requests.toLocaleString('en-US')} operations` +
        (s.http_requests !== undefined ? ` (${s.http_requests.toLocaleString('en-US')} HTTP requests)` : '') +
        (statuses.length > 0 ? `; statuses ${statuses.map(([code, n]) => `${code}: ${n}`).join(', ')}` : ''),
    ],
    notices,
    verdicts: thresholdVerdict(options.thresholds ?? s.thresholds, 'measured'),
    tables: [
      figuresTable(runFigures(s), 'Headline figures (measured like the seed tool)'),
      {
        caption: 'Per operation',
        header: ['operation', 'operations', 'failed', 'error rate', 'mean', 'P50', 'P95', 'P99'],
        rows: ops.map(([name, o]) => [name, countCell(o.total_requests), countCell(o.failed_requests), pctCell(o.error_rate), msCell(o.latency_mean), msCell(o.latency_median), msCell(o.latency_p95), msCell(o.latency_p99)]),
        numeric: [false, true, true, true, true, true, true, true],
      },
      ...(hosts.length > 0
        ? [{ caption: 'Diagnostics during bursts (window averages)', header: ['when', 'host', 'CPU busy', 'iowait', 'memory available', 'swap used', 'problems'], rows: hosts, numeric: [false, false, true, true, true, true, false], wrap: [false, false, false, false, false, false, true] }]
        : []),
      ...((s.error_samples ?? []).length > 0
        ? [{ caption: 'Error samples', header: ['operation', 'status', 'class', 'error', 'path'], rows: s.error_samples.map((e) => [e.operation, e.status === null ? '-' : String(e.status), e.error_class, e.error, e.path ?? '']), wrap: [false, false, false, true, false] }]
        : []),
    ],
    charts: runCharts(s, operations, options.id),
  };
}
