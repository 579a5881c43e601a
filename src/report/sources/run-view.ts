/**
 * What a report reads from a measured run (validate's summary.json, with the
 * operations of requests.ndjson when they are at hand): headline figures
 * measured the way the model measures them, the timeline with its bursts,
 * per-operation latency distributions, the share of requests per upstream,
 * and what the diagnostics saw on each host during each burst.
 */
import type { SeedSummary } from '../../live/seed-summary.js';
import type { ValidationSummary } from '../../live/summary.js';
import { compactDistribution } from '../../sim/stats/distribution.js';
import type { InstanceSample } from '../charts/instance-series-chart.js';
import type { LabelledDistributions } from '../charts/latency-cdf-chart.js';
import type { ShareBar } from '../charts/share-chart.js';
import { valueFigure, type Figure } from '../figures.js';
import type { BurstWindow, LabelledTimeline } from '../timeline-bins.js';

/** A run summary as a file may hold it: the seed tool's keys, and capsim's own when validate wrote it. */
export type RunData = SeedSummary & Partial<Omit<ValidationSummary, keyof SeedSummary>>;

/** One completed operation, as requests.ndjson records it on the operation's last request. */
export interface RunOperation {
  operation: string;
  ok: boolean;
  latencyMs: number;
}

const maxShare = (shares: Record<string, { share: number }> | undefined) => {
  const values = Object.values(shares ?? {}).map((s) => s.share);
  return values.length > 0 ? Math.max(...values) : null;
};

/** Burst shares when the run had bursts, else shares of all requests (the model's rule). */
function targetShares(s: RunData): { shares: Record<string, { requests: number; share: number }>; scope: 'burst' | 'all' } {
  const bursts = s.upstream_share_bursts ?? {};
  if (Object.keys(bursts).length > 0) return { shares: bursts, scope: 'burst' };
  return { shares: s.upstream_share ?? {}, scope: 'all' };
}

export function runFigures(s: RunData): Figure[] {
  const successful = s.successful_requests;
  return [
    valueFigure('error_rate', 'error rate', 'fraction', s.error_rate),
    valueFigure('p50', 'P50 (successful operations)', 'ms', s.latency_median),
    valueFigure('p95', 'P95 (successful operations)', 'ms', s.latency_p95),
    valueFigure('p99', 'P99 (successful operations)', 'ms', s.latency_p99),
    valueFigure('p95_all', 'P95 (all operations)', 'ms', s.latency_all_p95),
    valueFigure('operations', 'operations', 'count', s.total_requests),
    valueFigure('http_requests', 'HTTP requests', 'count', s.http_requests),
    valueFigure('http_5xx', '5xx responses', 'count', s.http_5xx_responses),
    valueFigure('throughput', 'throughput (successful operations)', 'ops/s', s.duration_seconds > 0 ? successful / s.duration_seconds : null),
    valueFigure('max_target_share', `max upstream share (${targetShares(s).scope === 'burst' ? 'bursts' : 'all requests'})`, 'fraction', maxShare(targetShares(s).shares)),
  ];
}

export function runBursts(s: RunData): BurstWindow[] {
  const iterations = s.iterations ?? [];
  return iterations.flatMap((it, i) => {
    if (!it.burst) return [];
    const next = iterations[i + 1]?.started_s;
    return [{ startS: it.started_s, endS: it.finished_s ?? next ?? it.started_s + 1 }];
  });
}

export function runTimeline(s: RunData, label = 'measured'): LabelledTimeline | null {
  if (!s.timeline || s.timeline.length === 0) return null;
  const points = s.timeline.map((sec) => {
    const unanswered = sec.timeouts + sec.connection_errors;
    // Summaries written before responses/errors were recorded: responses = completed minus unanswered; errors = 5xx + unanswered.
    return {
      t: sec.second,
      requests: sec.requests_sent,
      responses: sec.responses ?? sec.requests_completed - unanswered,
      errors: sec.errors ?? sec.status_5xx + unanswered,
    };
  });
  return { label, points, bursts: runBursts(s) };
}

export function runDistributions(s: RunData, operations: readonly RunOperation[] | null, label = 'measured'): LabelledDistributions | null {
  if (!operations || operations.length === 0) return null;
  const names = [...new Set(operations.map((o) => o.operation))];
  return {
    label,
    operations: names.map((operation) => {
      const of = operations.filter((o) => o.operation === operation);
      return {
        operation,
        ok: compactDistribution(of.filter((o) => o.ok).map((o) => o.latencyMs)),
        failed: compactDistribution(of.filter((o) => !o.ok).map((o) => o.latencyMs)),
      };
    }),
    marks: { p50: s.latency_median, p95: s.latency_p95, p99: s.latency_p99 },
  };
}

export function runShares(s: RunData): { bars: ShareBar[]; scope: 'burst' | 'all' } {
  const { shares, scope } = targetShares(s);
  return { bars: Object.entries(shares).map(([name, v]) => ({ name, share: v.share })), scope };
}

/** CPU, iowait and available memory each host reported at each burst (mpstat's window average, free -m). */
export function runInstanceSamples(s: RunData): InstanceSample[] {
  const samples: InstanceSample[] = [];
  for (const collection of s.diagnostics ?? []) {
    for (const host of collection.hosts) {
      const cpu = host.parsed.cpu;
      const memory = host.parsed.memory;
      if (!cpu && !memory) continue;
      samples.push({
        instance: host.host,
        t: collection.trigger.atSeconds,
        cpu: cpu ? (cpu.user + cpu.system) / 100 : null,
        iowait: cpu ? cpu.iowait / 100 : null,
        memAvailableMb: memory ? (memory.availableMb ?? memory.freeMb) : null,
      });
    }
  }
  return samples;
}
