/**
 * NFS operations per HTTP request during each burst: the client counters of
 * every host's NFS mounts over the diagnostics window (LOOKUP, GETATTR,
 * READDIR, ACCESS, READ), divided by the HTTP requests completed in that
 * window, beside the model's expectation for the run's flow and repository.
 * Health checks and other clients of the mount count in the measured figure.
 */
import { NFS_REPORTED_OPS } from './parsers/mountstats.js';
import type { DiagnosticsCollection } from './diagnostics/types.js';
import type { TimelineSecond } from './summary.js';

export interface NfsBurstRow {
  burst: string;
  /** Hosts and NFS mounts that reported counters. */
  hosts: number;
  mounts: number;
  ops: Record<(typeof NFS_REPORTED_OPS)[number], number>;
  /** Mean round trip of each operation over the hosts, ms. */
  meanRttMs: Record<(typeof NFS_REPORTED_OPS)[number], number | null>;
  /** HTTP requests of the load completed within the window. */
  httpRequests: number;
  /** Reported operations per HTTP request, null without requests. */
  perRequest: number | null;
}

export interface NfsSummary {
  /** The model's file-server operations per request for this flow and repository (no memory pressure). */
  predictedPerRequest: number | null;
  /** The calibration that prediction used. */
  calibration: string;
  bursts: NfsBurstRow[];
}

/** Requests completed in [from, to) seconds of the run, from the per-second timeline (whole seconds). */
function completedBetween(timeline: TimelineSecond[], from: number, to: number): number {
  return timeline.filter((s) => s.second >= Math.floor(from) && s.second < Math.ceil(to)).reduce((sum, s) => sum + s.requests_completed, 0);
}

export function nfsSummary(diagnostics: DiagnosticsCollection[], timeline: TimelineSecond[], runStartMs: number, predictedPerRequest: number | null, calibration: string): NfsSummary | null {
  const bursts: NfsBurstRow[] = [];
  for (const collection of diagnostics) {
    const mounts = collection.hosts.flatMap((host) => host.parsed.nfs ?? []);
    if (mounts.length === 0) continue;
    const ops = Object.fromEntries(NFS_REPORTED_OPS.map((op) => [op, mounts.reduce((sum, m) => sum + m.ops[op].ops, 0)])) as NfsBurstRow['ops'];
    const meanRttMs = Object.fromEntries(NFS_REPORTED_OPS.map((op) => {
      const n = ops[op];
      const rtt = mounts.reduce((sum, m) => sum + (m.ops[op].meanRttMs ?? 0) * m.ops[op].ops, 0);
      return [op, n > 0 ? rtt / n : null];
    })) as NfsBurstRow['meanRttMs'];
    const from = (Date.parse(collection.startedAt) - runStartMs) / 1000;
    const to = (Date.parse(collection.finishedAt) - runStartMs) / 1000;
    const httpRequests = completedBetween(timeline, from, to);
    const total = NFS_REPORTED_OPS.reduce((sum, op) => sum + ops[op], 0);
    bursts.push({
      burst: collection.trigger.label,
      hosts: collection.hosts.filter((h) => (h.parsed.nfs ?? []).length > 0).length,
      mounts: mounts.length,
      ops,
      meanRttMs,
      httpRequests,
      perRequest: httpRequests > 0 ? total / httpRequests : null,
    });
  }
  return bursts.length === 0 ? null : { predictedPerRequest, calibration, bursts };
}
