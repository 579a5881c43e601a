/** summary.md: the run for people (the same figures as summary.json). */
import { formatValue } from '../report/figures.js';
import type { AwsSection } from './aws-summary.js';
import type { EngineSummary, ValidationSummary } from './summary.js';

const ms = (value: number | null) => (value === null ? '-' : `${Math.round(value).toLocaleString('en-US')} ms`);
const pct = (value: number) => `${(100 * value).toFixed(2)} %`;
const num = (value: number | null | undefined, digits = 1) => (value === null || value === undefined ? '-' : value.toFixed(digits));

/** Which engine sent the load; for Locust, the master and each worker's host and share. */
function engineSection(engine: EngineSummary | undefined): string[] {
  if (!engine) return [];
  if (engine.name === 'native') return ['## Engine', '', `capsim's own generator (capsim ${engine.version}), one process. Cookies (${engine.cookies.scope}): ${engine.cookies.meaning}.`, ''];
  const m = engine.master;
  const lines = ['## Engine', '', `Locust ${engine.version} (${engine.version_source}): a master${m ? ` on ${m.host} (port ${m.port})` : ''} and ${engine.workers} worker${engine.workers === 1 ? '' : 's'}, one Locust user each; the installs went to the workers in turn.`, ''];
  lines.push('| worker | host | started | installs | HTTP requests | operations | connections | clock ± ms |');
  lines.push('|---|---|---|---|---|---|---|---|');
  for (const w of engine.per_worker ?? []) {
    lines.push(`| ${w.index} | ${w.host} | ${w.local ? 'by capsim' : 'elsewhere'} | ${w.installs} | ${w.requests} | ${w.operations} | ${w.connections} | ${w.clock_uncertainty_ms.toFixed(1)} |`);
  }
  lines.push('');
  lines.push(`Cookies (${engine.cookies.scope}): ${engine.cookies.meaning}.`);
  lines.push('');
  return lines;
}

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
  lines.push(...engineSection(summary.engine));
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
  if (summary.discovery) {
    const d = summary.discovery;
    const r = summary.repository;
    lines.push('## The index');
    lines.push('');
    lines.push(`Read from ${d.index} (${d.format}) before the load: ${d.listed_projects} projects listed, ${d.pages_read} pages read, ${r.files}${d.files_estimated ? ' (estimated)' : ''} files, ${d.sized_files} sized (${d.size_source}). Installs picked ${d.pick} from ${d.candidates} ${d.named_projects ? 'named ' : ''}projects, version rule ${r.versionPick}.`);
    lines.push('');
    lines.push('| projects | files | files per page of an installed project | mean file bytes |');
    lines.push('|---|---|---|---|');
    lines.push(`| ${r.projects} | ${r.files ?? '-'} | ${r.versionsPerProject.toFixed(2)} | ${Math.round(r.wheelBytes)} |`);
    lines.push('');
    for (const notice of d.notices) lines.push(`- ${notice}`);
    if (d.notices.length > 0) lines.push('');
  }
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
  if (summary.nfs) {
    const nfs = summary.nfs;
    lines.push('## NFS client operations per burst (/proc/self/mountstats)');
    lines.push('');
    lines.push('| when | hosts | LOOKUP | GETATTR | READDIR | ACCESS | READ | HTTP requests | per request | model (no memory pressure) |');
    lines.push('|---|---|---|---|---|---|---|---|---|---|');
    for (const b of nfs.bursts) {
      lines.push(`| ${b.burst} | ${b.hosts} | ${b.ops.LOOKUP} | ${b.ops.GETATTR} | ${b.ops.READDIR} | ${b.ops.ACCESS} | ${b.ops.READ} | ${b.httpRequests} | ${num(b.perRequest, 2)} | ${num(nfs.predictedPerRequest, 2)} |`);
    }
    lines.push('');
    lines.push(`Round trips (ms, mean): ${nfs.bursts.map((b) => `${b.burst}: ${Object.entries(b.meanRttMs).map(([op, ms]) => `${op} ${num(ms, 2)}`).join(', ')}`).join('; ')}. The model's figure uses calibration ${nfs.calibration}; health checks and other clients of the mount count in the measured one.`);
    lines.push('');
  }
  if (summary.aws) lines.push(...awsMarkdown(summary.aws));
  if (summary.error_samples.length > 0) {
    lines.push('## Error samples');
    lines.push('');
    for (const sample of summary.error_samples) lines.push(`- ${sample.time ?? ''} ${sample.operation} ${sample.path ?? ''}: ${sample.error}`);
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}

function awsMarkdown(aws: AwsSection): string[] {
  const lines: string[] = [];
  const group = aws.bursts.find((b) => b.targetGroup)?.targetGroup;
  if (group) {
    const hc = group.healthCheck;
    lines.push('## AWS: target group');
    lines.push('');
    lines.push(
      `${group.arn}: algorithm ${group.algorithm ?? '-'}, stickiness ${group.stickinessEnabled === null ? '-' : group.stickinessEnabled ? `${group.stickinessType} (${group.stickinessDurationSeconds ?? '-'} s)` : 'off'}, deregistration delay ${group.deregistrationDelaySeconds ?? '-'} s, slow start ${group.slowStartSeconds ?? '-'} s` +
        (hc ? `; health check ${hc.protocol ?? ''} ${hc.path ?? '-'} every ${hc.intervalSeconds ?? '-'} s, timeout ${hc.timeoutSeconds ?? '-'} s, healthy after ${hc.healthyThreshold ?? '-'}, unhealthy after ${hc.unhealthyThreshold ?? '-'}, success ${hc.matcher ?? '-'}` : ''),
    );
    lines.push('');
  }
  if (aws.bursts.some((b) => b.targetHealth)) {
    lines.push('## AWS: target health per burst');
    lines.push('');
    lines.push('| when | healthy | unhealthy | draining | other | not healthy |');
    lines.push('|---|---|---|---|---|---|');
    for (const burst of aws.bursts) {
      const targets = burst.targetHealth;
      if (!targets) {
        lines.push(`| ${burst.trigger.label} | - | - | - | - | not read |`);
        continue;
      }
      const count = (state: string) => targets.filter((t) => t.state === state).length;
      const other = targets.length - count('healthy') - count('unhealthy') - count('draining');
      const bad = targets.filter((t) => t.state !== 'healthy').map((t) => `${t.id}${t.port === null ? '' : `:${t.port}`} ${t.state}${t.reason ? ` (${t.reason})` : ''}`);
      lines.push(`| ${burst.trigger.label} | ${count('healthy')} | ${count('unhealthy')} | ${count('draining')} | ${other} | ${bad.join(', ') || '-'} |`);
    }
    lines.push('');
  }
  if (aws.bursts.some((b) => b.service || b.tasks)) {
    lines.push('## AWS: service and tasks per burst');
    lines.push('');
    lines.push('| when | desired | running | pending | tasks per instance | task CPU (docker stats) |');
    lines.push('|---|---|---|---|---|---|');
    for (const burst of aws.bursts) {
      const perInstance = new Map<string, number>();
      for (const task of burst.tasks ?? []) {
        const key = task.instanceId ? `${task.instanceId}${task.instanceType ? ` (${task.instanceType})` : ''}` : 'unplaced';
        perInstance.set(key, (perInstance.get(key) ?? 0) + 1);
      }
      const cpu = (burst.tasks ?? []).filter((t) => t.cpuPercent !== null).map((t) => `${t.task.slice(0, 8)} ${t.cpuPercent} %`);
      const s = burst.service;
      lines.push(`| ${burst.trigger.label} | ${s?.desired ?? '-'} | ${s?.running ?? '-'} | ${s?.pending ?? '-'} | ${[...perInstance].map(([k, n]) => `${k} ${n}`).join(', ') || '-'} | ${cpu.join(', ') || '-'} |`);
    }
    lines.push('');
  }
  const w = aws.scaling;
  if (w && w.samples.length > 0) {
    lines.push('## AWS: service autoscaling over the run');
    lines.push('');
    lines.push(`Sampled every ${w.intervalSeconds} s; the rows where a count or an alarm changed.`);
    lines.push('');
    lines.push('| at (s) | desired | running | pending | alarms in ALARM |');
    lines.push('|---|---|---|---|---|');
    const key = (x: (typeof w.samples)[number]) => JSON.stringify([x.desired, x.running, x.pending, x.alarms]);
    w.samples.forEach((x, i) => {
      if (i > 0 && i < w.samples.length - 1 && key(x) === key(w.samples[i - 1])) return;
      const firing = Object.entries(x.alarms).filter(([, state]) => state === 'ALARM').map(([name]) => name);
      lines.push(`| ${x.atSeconds.toFixed(1)} | ${x.desired ?? '-'} | ${x.running ?? '-'} | ${x.pending ?? '-'} | ${firing.join(', ') || '-'} |`);
    });
    lines.push('');
    for (const a of w.alarms) {
      const rule = a.datapointsToAlarm !== null && a.evaluationPeriods !== null ? ` for ${a.datapointsToAlarm} of ${a.evaluationPeriods} datapoints` : '';
      lines.push(`- alarm ${a.name}: ${a.metric ?? '?'} ${a.comparison ?? '?'} ${a.threshold ?? '?'}${rule}${a.periodSeconds !== null ? ` of ${a.periodSeconds} s` : ''}`);
    }
    for (const act of w.activities) {
      lines.push(`- scaling activity at ${act.startedAtSeconds === null ? '?' : act.startedAtSeconds.toFixed(1)} s (${act.status ?? '?'}): ${act.description ?? ''}${act.cause ? ` Cause: ${act.cause}` : ''}`);
    }
    if (w.cpuUtilization.length > 0) lines.push(`- service CPUUtilization a minute: ${w.cpuUtilization.map((d) => `${d.atSeconds.toFixed(0)} s ${d.value.toFixed(1)} %`).join(', ')}`);
    lines.push('');
  }
  if (aws.errors.length > 0) {
    lines.push('AWS problems (the run went on without what they hid):');
    lines.push('');
    for (const error of aws.errors) lines.push(`- ${error}`);
    lines.push('');
  }
  return lines;
}
