/**
 * What an import found, as the user reads it (printed, or `--json`): requests
 * per minute with the peak, the bursts, clients, user agents, status codes,
 * the per-target share of requests and of target processing time during the
 * bursts (where the burst went), installs by flow, projects by popularity, and
 * the client timeouts seen. Client addresses are hashed unless kept.
 */
import { createHash } from 'node:crypto';
import type { AlbImportResult, MalformedExample } from './alb-import.js';
import { type BurstOptions, findBursts, usualWindow } from './bursts.js';
import { TRAFFIC_CATEGORIES, type TrafficCategory } from './installs.js';
import type { RequestKind } from './request-path.js';
import type { ClientFamily } from './user-agent.js';

export interface BurstSummary {
  start: string;
  /** Seconds from the first request of the window. */
  offsetSeconds: number;
  durationSeconds: number;
  requests: number;
  installs: number;
  clients: number;
  peakPerSecond: number;
}

export interface TargetShare {
  target: string;
  requests: number;
  share: number;
  /** Sum of target_processing_time, seconds. */
  targetSeconds: number;
  targetTimeShare: number;
  meanTargetMs: number;
}

export interface TrafficSummary {
  input: {
    paths: string[];
    files: number;
    bytes: number;
    lines: number;
    entries: number;
    malformed: number;
    malformedExamples: MalformedExample[];
    late: number;
    sha256: string;
    firstRequest: string;
    lastRequest: string;
  };
  window: { how: 'all' | 'from-to' | 'busiest'; from: string; to: string; seconds: number; busiest?: string };
  requests: number;
  firstRequest: string;
  lastRequest: string;
  requestsPerMinute: { median: number; peak: { minute: string; requests: number; offsetSeconds: number }; series: Array<{ minute: string; requests: number }> };
  bursts: BurstSummary[];
  clients: { count: number; addresses: 'hashed' | 'kept'; top: Array<{ client: string; requests: number; share: number; agents: string[] }> };
  userAgents: Array<{ agent: string; family: ClientFamily; requests: number; share: number; clients: number }>;
  statusCodes: { elb: Record<string, number>; target: Record<string, number> };
  targets: { scope: 'bursts' | 'window'; requests: number; notDispatched: number; perTarget: TargetShare[] };
  installs: {
    total: number;
    completed: number;
    retries: number;
    byCategory: Record<InstallCategory, number>;
    /** Requests that fit no install, by what they asked for. */
    single: Partial<Record<RequestKind, number>>;
    websockets: number;
  };
  projects: { distinct: number; top: Array<{ project: string; installs: number; share: number }> };
  timeouts: {
    http504: { count: number; medianSeconds: number | null; maxSeconds: number | null };
    http460: Array<{ family: ClientFamily; count: number; medianSeconds: number; maxSeconds: number }>;
  };
}

const TOP = 20;

type InstallCategory = Exclude<TrafficCategory, 'download-only'>;

/** A client's label: its address with --keep-addresses, else a hash keyed by the input (stable for the same logs). */
export function clientLabeller(inputSha256: string, keep: boolean): (address: string) => string {
  if (keep) return (address) => address;
  const cache = new Map<string, string>();
  return (address) => {
    let label = cache.get(address);
    if (!label) {
      label = `client-${createHash('sha256').update(`${inputSha256}:${address}`).digest('hex').slice(0, 10)}`;
      cache.set(address, label);
    }
    return label;
  };
}

const iso = (ms: number) => new Date(ms).toISOString();
const byCount = <T extends { requests: number }>(key: (x: T) => string) => (a: T, b: T) => b.requests - a.requests || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);

export interface SummaryOptions {
  paths: string[];
  keepAddresses: boolean;
  bursts?: BurstOptions;
}

export function summarizeTraffic(r: AlbImportResult, options: SummaryOptions): TrafficSummary {
  const c = r.counters;
  const label = clientLabeller(r.inputSha256, options.keepAddresses);
  const baseMs = c.firstMs;
  const baseSecond = Math.floor(baseMs / 1000);
  const seconds = Math.floor((c.lastMs) / 1000) - baseSecond + 1;
  const perSecond = c.perSecond(baseSecond, seconds);

  // Calendar minutes, like the CloudWatch graph.
  const series: Array<{ minute: string; requests: number }> = [];
  const firstMinute = Math.floor(baseSecond / 60);
  const lastMinute = Math.floor((baseSecond + seconds - 1) / 60);
  for (let m = firstMinute; m <= lastMinute; m++) {
    let n = 0;
    for (let s = Math.max(m * 60, baseSecond); s < Math.min((m + 1) * 60, baseSecond + seconds); s++) n += perSecond[s - baseSecond];
    series.push({ minute: iso(m * 60_000), requests: n });
  }
  let peak = series[0];
  for (const minute of series) if (minute.requests > peak.requests) peak = minute;
  const sortedMinutes = series.map((m) => m.requests).sort((a, b) => a - b);

  const starts = r.installs.sortedStarts();
  const lowerBound = (sorted: ArrayLike<number>, ms: number) => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid] < ms) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const inputFirst = Math.floor(r.inputFirstMs / 1000);
  const usual = usualWindow(c.inputPerSecond.slice(inputFirst, Math.floor(r.inputLastMs / 1000) - inputFirst + 1));
  const spans = findBursts(perSecond, options.bursts, usual);
  // The clients of each burst: those that started an install or sent a single request in it.
  const burstFrom = spans.map((span) => (baseSecond + span.from) * 1000);
  const burstClients = spans.map(() => new Set<string>());
  const note = (startMs: number, clientKey: number) => {
    // The last burst starting at or before startMs: one before the first that starts after it.
    let lo = 0;
    let hi = burstFrom.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (burstFrom[mid] <= startMs) lo = mid + 1;
      else hi = mid;
    }
    const b = lo - 1;
    if (b >= 0 && startMs < (baseSecond + spans[b].to) * 1000) burstClients[b].add(r.clientKeys[clientKey].client);
  };
  for (let k = 0; k < r.installs.length; k++) note(r.installs.startMs(k), r.installs.clientOf(k));
  for (let k = 0; k < r.singles.length; k++) note(r.singles.startMs(k), r.singles.clientOf(k));
  const bursts: BurstSummary[] = spans.map((span, b) => {
    const fromMs = (baseSecond + span.from) * 1000;
    const toMs = (baseSecond + span.to) * 1000;
    return {
      start: iso(fromMs),
      offsetSeconds: (fromMs - baseMs) / 1000 > 0 ? Math.round((fromMs - baseMs) / 1000) : 0,
      durationSeconds: span.to - span.from,
      requests: span.requests,
      installs: lowerBound(starts, toMs) - lowerBound(starts, fromMs),
      clients: burstClients[b].size,
      peakPerSecond: span.peakPerSecond,
    };
  });

  // Where the bursts went: per target, over the burst seconds (the whole window when there is none).
  const totals = new Map<string, { requests: number; seconds: number }>();
  const ranges = spans.length > 0 ? spans.map((s) => [baseSecond + s.from, baseSecond + s.to]) : [[baseSecond, baseSecond + seconds]];
  for (const [from, to] of ranges) {
    for (const t of c.targetTotals(from, to)) {
      const sum = totals.get(t.target) ?? { requests: 0, seconds: 0 };
      sum.requests += t.requests;
      sum.seconds += t.seconds;
      totals.set(t.target, sum);
    }
  }
  let targetRequests = 0;
  let targetSeconds = 0;
  for (const t of totals.values()) {
    targetRequests += t.requests;
    targetSeconds += t.seconds;
  }
  let scopeRequests = 0;
  for (const [from, to] of ranges) for (let s = from; s < to; s++) scopeRequests += perSecond[s - baseSecond] ?? 0;
  const perTarget: TargetShare[] = [...totals.entries()]
    .filter(([, t]) => t.requests > 0)
    .map(([target, t]) => ({
      target,
      requests: t.requests,
      share: targetRequests > 0 ? t.requests / targetRequests : 0,
      targetSeconds: t.seconds,
      targetTimeShare: targetSeconds > 0 ? t.seconds / targetSeconds : 0,
      meanTargetMs: t.requests > 0 ? (t.seconds / t.requests) * 1000 : 0,
    }))
    .sort(byCount((t) => t.target));

  const clientsTop = [...c.clients.entries()]
    .map(([address, v]) => ({ client: label(address), requests: v.requests, share: v.requests / c.requests, agents: [...v.agents].sort() }))
    .sort(byCount((x) => x.client))
    .slice(0, TOP);
  const userAgents = [...c.agents.entries()]
    .map(([agent, v]) => ({ agent, family: v.family, requests: v.requests, share: v.requests / c.requests, clients: v.clients.size }))
    .sort(byCount((x) => x.agent));

  // Reconstructed installs by category (a lone download is a single request, counted below).
  const byCategory = Object.fromEntries(TRAFFIC_CATEGORIES.filter((cat) => cat !== 'download-only').map((cat) => [cat, 0])) as Record<InstallCategory, number>;
  let completed = 0;
  for (let k = 0; k < r.installs.length; k++) {
    byCategory[r.installs.categoryOf(k) as InstallCategory]++;
    if (r.installs.isCompleted(k)) completed++;
  }
  const single: Partial<Record<RequestKind, number>> = {};
  for (let k = 0; k < r.singles.length; k++) {
    const kind = r.singles.kindOf(k);
    single[kind] = (single[kind] ?? 0) + 1;
  }
  const popularity = projectPopularity(r);

  const http460 = [...c.waits460.entries()]
    .map(([family, h]) => ({ family, count: h.count, medianSeconds: h.quantile(0.5), maxSeconds: Math.round(h.maxSeconds * 10) / 10 }))
    .sort((a, b) => b.count - a.count || a.family.localeCompare(b.family));

  const totalBytes = r.files.reduce((n, f) => n + f.bytes, 0);
  return {
    input: {
      paths: options.paths,
      files: r.files.length,
      bytes: totalBytes,
      lines: r.lines,
      entries: r.entries,
      malformed: r.malformed,
      malformedExamples: r.malformedExamples,
      late: r.late,
      sha256: r.inputSha256,
      firstRequest: iso(r.inputFirstMs),
      lastRequest: iso(r.inputLastMs),
    },
    window: {
      how: r.window.how,
      from: iso(r.window.fromMs),
      to: iso(r.window.toMs),
      seconds: (r.window.toMs - r.window.fromMs) / 1000,
      ...(r.window.busiestSeconds !== undefined ? { busiest: `${r.window.busiestSeconds} s` } : {}),
    },
    requests: c.requests,
    firstRequest: iso(c.firstMs),
    lastRequest: iso(c.lastMs),
    requestsPerMinute: {
      median: sortedMinutes[Math.floor((sortedMinutes.length - 1) / 2)],
      peak: { minute: peak.minute, requests: peak.requests, offsetSeconds: Math.max(0, Math.round((Date.parse(peak.minute) - baseMs) / 1000)) },
      series,
    },
    bursts,
    clients: { count: c.clients.size, addresses: options.keepAddresses ? 'kept' : 'hashed', top: clientsTop },
    userAgents,
    statusCodes: c.statusCodes(),
    targets: { scope: spans.length > 0 ? 'bursts' : 'window', requests: scopeRequests, notDispatched: scopeRequests - targetRequests, perTarget },
    installs: { total: r.installs.length, completed, retries: r.installs.retries, byCategory, single, websockets: r.websockets },
    projects: { distinct: popularity.length, top: popularity.slice(0, TOP) },
    timeouts: {
      http504: { count: c.waits504.count, medianSeconds: c.waits504.count > 0 ? c.waits504.quantile(0.5) : null, maxSeconds: c.waits504.count > 0 ? Math.round(c.waits504.maxSeconds * 10) / 10 : null },
      http460,
    },
  };
}

/** Installs per project, most popular first (ties by name). */
export function projectPopularity(r: Pick<AlbImportResult, 'installs' | 'projects'>): Array<{ project: string; installs: number; share: number }> {
  const perProject = new Map<number, number>();
  for (let k = 0; k < r.installs.length; k++) {
    const p = r.installs.projectOf(k);
    perProject.set(p, (perProject.get(p) ?? 0) + 1);
  }
  const total = Math.max(1, r.installs.length);
  return [...perProject.entries()]
    .map(([id, n]) => ({ project: r.projects[id], installs: n, share: n / total }))
    .sort((a, b) => b.installs - a.installs || (a.project < b.project ? -1 : a.project > b.project ? 1 : 0));
}
