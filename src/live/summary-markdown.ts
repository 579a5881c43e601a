/** summary.md: the run for people (the same figures as summary.json). */
import { formatValue } from '../report/figures.js';
import type { ValidationSummary } from './summary.js';

const ms = (value: number | null) => (value === null ? '-' : `${Math.round(value).toLocaleString('en-US')} ms`);
const pct = (value: number) => `${(100 * value).toFixed(2)} %`;
const num = (value: number | null | undefined, digits = 1) => (value === null || value === undefined ? '-' : value.toFixed(digits));

export function renderSummaryMarkdown(summary: ValidationSummary): string {
  const lines: string[] = [];
  lines.push(`# capsim validate: ${summary.profile}`);
  lines.push('');
  if (summary.interrupted) {
    lines.push(`**Interrupted** (${summary.interrupt_reason}${summary.interrupt_detail ? `: ${summary.interrupt_detail}` : ''}); the figures cover what completed.`);
    lines.push('');
  }
  lines.push(`- Target: ${summary.target}`);
  lines.push(`- Flow: ${summary.flow}`);
  lines.push(`- From ${summary.start_time} to ${summary.end_time} (${summary.duration_seconds.toFixed(1)} s)`);
  const sizing = Object.entries(summary.sizing).map(([key, value]) => `${key} ${value}`).join(', ');
  lines.push(`- Declared sizing: ${sizing || 'not given'}`);
  lines.push('');
  if (summary.thresholds && summary.thresholds.length > 0) {
    const failed = summary.thresholds.filter((t) => !t.ok).length;
    lines.push(`## Thresholds: ${failed === 0 ? 'all passed' : `${failed} of ${summary.thresholds.length} FAILED`}`);
    lines.push('');
    for (const t of summary.thresholds) lines.push(`- ${t.ok ? '✓ pass' : '✗ **FAIL**'} \`${t.threshold}\`: ${t.value === null ? (t.note ?? 'not measured') : `${t.metric} = ${formatValue(t.unit, t.value)}`}`);
    lines.push('');
  }
  lines.push('| operations | failed | error rate | P50 | P95 | P99 | max | 5xx | 4xx | HTTP requests | ops/s |');
  lines.push('|---|---|---|---|---|---|---|---|---|---|---|');
  lines.push(
    `| ${summary.total_requests} | ${summary.failed_requests} | ${pct(summary.error_rate)} | ${ms(summary.latency_median)} | ${ms(summary.latency_p95)} | ${ms(summary.latency_p99)} | ${ms(summary.latency_max)} | ${summary.error_5xx_count} | ${summary.error_4xx_count} | ${summary.http_requests} | ${summary.requests_per_second.toFixed(1)} |`,
  );
  lines.push('');
  lines.push('Latencies are over successful operations (P95 = sorted[int(0.95 n)]), as the seed tool computes them.');
  lines.push('');
  lines.push('## Per operation');
  lines.push('');
  lines.push('| operation | count | failed | error rate | P50 | P95 |');
  lines.push('|---|---|---|---|---|---|');
  for (const [name, stats] of Object.entries(summary.operations)) {
    lines.push(`| ${name} | ${stats.total_requests} | ${stats.failed_requests} | ${pct(stats.error_rate)} | ${ms(stats.latency_median)} | ${ms(stats.latency_p95)} |`);
  }
  lines.push('');
  lines.push('## Status codes');
  lines.push('');
  for (const [status, count] of Object.entries(summary.status_code_counts)) lines.push(`- ${status}: ${count}`);
  lines.push('');
  if (Object.keys(summary.upstream_share).length > 0) {
    lines.push('## Requests per upstream (X-Upstream)');
    lines.push('');
    lines.push('| upstream | requests | share |');
    lines.push('|---|---|---|');
    for (const [name, share] of Object.entries(summary.upstream_share)) lines.push(`| ${name} | ${share.requests} | ${pct(share.share)} |`);
    lines.push('');
  }
  if (summary.iterations.length > 0) {
    lines.push('## Iterations');
    lines.push('');
    lines.push('| # | burst | installs | start (s) | end (s) | dispatch spread | failed installs |');
    lines.push('|---|---|---|---|---|---|---|');
    for (const it of summary.iterations) {
      lines.push(`| ${it.index} | ${it.burst ? 'yes' : ''} | ${it.installs} | ${it.started_s.toFixed(1)} | ${it.finished_s === null ? '-' : it.finished_s.toFixed(1)} | ${it.dispatch_spread_ms === null ? '-' : `${it.dispatch_spread_ms.toFixed(1)} ms`} | ${it.installs_failed} |`);
    }
    lines.push('');
  }
  if (summary.diagnostics.length > 0) {
    lines.push('## Diagnostics');
    lines.push('');
    lines.push('| when | host | CPU user | system | iowait | idle | mem available | swap used | swap in/out (KiB/s) | containers | errors |');
    lines.push('|---|---|---|---|---|---|---|---|---|---|---|');
    for (const collection of summary.diagnostics) {
      if (collection.hosts.length === 0) lines.push(`| ${collection.trigger.label} | - | | | | | | | | | ${collection.errors.join('; ')} |`);
      for (const host of collection.hosts) {
        const cpu = host.parsed.cpu;
        const mem = host.parsed.memory;
        const swap = host.parsed.swap;
        const containers = host.parsed.containers?.map((c) => `${c.name} ${c.cpuPercent}% ${(c.memUsedBytes / 1024 ** 2).toFixed(0)} MiB`).join(', ') ?? '-';
        lines.push(
          `| ${collection.trigger.label} | ${host.host} | ${num(cpu?.user)} % | ${num(cpu?.system)} % | ${num(cpu?.iowait)} % | ${num(cpu?.idle)} % | ${mem?.availableMb ?? '-'} MB | ${mem ? `${mem.swapUsedMb} MB` : '-'} | ${swap ? `${num(swap.inKiBPerSecond, 0)} / ${num(swap.outKiBPerSecond, 0)}` : '-'} | ${containers} | ${[...collection.errors, ...host.errors].join('; ')} |`,
        );
      }
    }
    lines.push('');
  }
  if (summary.error_samples.length > 0) {
    lines.push('## Error samples');
    lines.push('');
    for (const sample of summary.error_samples) lines.push(`- ${sample.time ?? ''} ${sample.operation} ${sample.path ?? ''}: ${sample.error}`);
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}
