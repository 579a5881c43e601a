import type { CloudWatchSummary } from '../scenario/import/cloudwatch.js';
import type { TrafficSummary } from '../scenario/import/traffic-summary.js';
import { renderTable } from './table.js';

const int = (x: number) => Math.round(x).toLocaleString('en-US');
const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
const bytes = (x: number) => (x >= 1e9 ? `${(x / 1e9).toFixed(2)} GB` : x >= 1e6 ? `${(x / 1e6).toFixed(1)} MB` : `${(x / 1e3).toFixed(1)} kB`);
/** "2025-06-03T10:30:00.000Z" -> "2025-06-03 10:30:00Z" */
const when = (isoTime: string) => isoTime.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
const seconds = (x: number) => `${x.toFixed(x < 10 && x % 1 !== 0 ? 1 : 0)} s`;

/** Series of per-minute counts printed in full up to this many minutes. */
const SERIES_MINUTES = 30;

/** What an ALB-log import found, for people: the traffic, its bursts, and where they went. */
export function renderTrafficSummary(s: TrafficSummary): string {
  const out: string[] = [];
  const i = s.input;
  out.push(`read ${int(i.files)} file(s), ${bytes(i.bytes)}: ${int(i.lines)} lines, ${int(i.entries)} entries, ${int(i.malformed)} malformed`);
  for (const m of i.malformedExamples) out.push(`  ${m.file} line ${m.line}: ${m.reason}: "${m.text}"`);
  if (i.late > 0) out.push(`  ${int(i.late)} entries came after entries received more than the reorder window later (files out of time order?); installs around them may be split`);
  const w = s.window;
  const how = w.how === 'busiest' ? `busiest ${w.busiest}` : w.how === 'from-to' ? '--from/--to' : 'the whole log';
  out.push(`window: ${how}, ${when(w.from)} to ${when(w.to)} (${int(w.seconds)} s; the log covers ${when(i.firstRequest)} to ${when(i.lastRequest)})`);
  const rpm = s.requestsPerMinute;
  out.push(`requests: ${int(s.requests)}; per minute: median ${int(rpm.median)}, peak ${int(rpm.peak.requests)} in the minute from ${when(rpm.peak.minute)} (+${int(rpm.peak.offsetSeconds)} s)`);
  if (rpm.series.length <= SERIES_MINUTES) {
    out.push(`  per minute: ${rpm.series.map((m) => `${m.minute.slice(11, 16)} ${int(m.requests)}`).join(', ')}`);
  }
  out.push('');
  if (s.bursts.length === 0) out.push('bursts: none (no 10-s stretch above 4 x the median rate and 1 request/s)');
  else {
    out.push(`bursts: ${s.bursts.length}`);
    out.push(
      renderTable(
        ['start', 'offset', 'duration', 'requests', 'installs', 'clients', 'peak/s'],
        s.bursts.map((b) => [when(b.start), `+${int(b.offsetSeconds)} s`, seconds(b.durationSeconds), int(b.requests), int(b.installs), int(b.clients), int(b.peakPerSecond)]),
        [false, true, true, true, true, true, true],
      ),
    );
  }
  out.push('');
  const t = s.targets;
  out.push(`where ${t.scope === 'bursts' ? 'the bursts' : 'the requests'} went: ${int(t.requests)} requests${t.scope === 'bursts' ? ' during bursts' : ''}, by target${t.notDispatched > 0 ? ` (${int(t.notDispatched)} reached no target)` : ''}`);
  if (t.perTarget.length > 0) {
    out.push(
      renderTable(
        ['target', 'requests', 'share', 'target time', 'share', 'mean'],
        t.perTarget.map((x) => [x.target, int(x.requests), pct(x.share), seconds(x.targetSeconds), pct(x.targetTimeShare), `${int(x.meanTargetMs)} ms`]),
        [false, true, true, true, true, true],
      ),
    );
  }
  out.push('');
  out.push(`clients: ${int(s.clients.count)} (addresses ${s.clients.addresses})`);
  for (const c of s.clients.top.slice(0, 10)) out.push(`  ${c.client}  ${int(c.requests)} requests (${pct(c.share)})  ${c.agents.join(', ')}`);
  out.push('user agents:');
  for (const a of s.userAgents.slice(0, 10)) out.push(`  ${a.agent} (${a.family})  ${int(a.requests)} requests (${pct(a.share)}), ${int(a.clients)} client(s)`);
  const codes = (m: Record<string, number>) => Object.entries(m).map(([code, n]) => `${code} x ${int(n)}`).join(', ');
  out.push(`status codes: ${codes(s.statusCodes.elb)}; from targets: ${codes(s.statusCodes.target)}`);
  const n = s.installs;
  const mix = Object.entries(n.byCategory)
    .filter(([, k]) => k > 0)
    .map(([cat, k]) => `${cat} ${int(k)} (${pct(k / Math.max(1, n.total))})`)
    .join(', ');
  out.push(`installs: ${int(n.total)} (${int(n.completed)} downloaded, ${int(n.retries)} retries)${mix ? `: ${mix}` : ''}`);
  const single = Object.entries(n.single).map(([kind, k]) => `${kind} ${int(k ?? 0)}`);
  if (single.length > 0) out.push(`  requests that fit no install: ${single.join(', ')}`);
  if (n.websockets > 0) out.push(`  WebSocket connections: ${int(n.websockets)}`);
  out.push(`projects: ${int(s.projects.distinct)}; most installed: ${s.projects.top.slice(0, 5).map((p) => `${p.project} ${int(p.installs)} (${pct(p.share)})`).join(', ') || 'none'}`);
  const to = s.timeouts;
  const t504 = to.http504.count > 0 ? `504 x ${int(to.http504.count)} (after a median ${to.http504.medianSeconds} s)` : 'no 504';
  const t460 = to.http460.length > 0 ? to.http460.map((x) => `460 x ${int(x.count)} from ${x.family} (the client left after a median ${x.medianSeconds} s)`).join(', ') : 'no 460';
  out.push(`client timeouts seen: ${t504}; ${t460}`);
  return out.join('\n');
}

/** What a RequestCount import read and the load it will start. */
export function renderRequestCountSummary(s: CloudWatchSummary): string {
  return [
    `read ${s.file}: ${int(s.rows)} rows, one per ${s.periodSeconds} s from ${when(s.from)} to ${when(s.to)}${s.missingPeriods > 0 ? ` (${int(s.missingPeriods)} periods without a row: 0 requests)` : ''}`,
    `requests: ${int(s.requests)}; peak ${int(s.peak.requests)} in the period from ${when(s.peak.start)}`,
    `installs: ${s.installs.toLocaleString('en-US')} of ${s.flow} (${s.requestsPerInstall} requests each), started ${s.within === 'burst' ? 'all at the start of each period' : 'evenly over each period'}: ${int(s.stages)} ramping-arrival-rate stages`,
  ].join('\n');
}
