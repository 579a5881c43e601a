/**
 * Everything validate's summary.json holds: the seed tool's keys (computed by
 * seed-summary.ts) plus capsim's own — declared sizing, resolved scenario,
 * per-upstream request share, per-second timeline, iterations, diagnostics,
 * and whether the run was interrupted.
 */
import type { ThresholdResult } from '../gate/evaluate.js';
import { scenarioAsWritten } from '../scenario/load.js';
import type { Repository, Scenario } from '../scenario/types.js';
import type { AwsSection } from './aws-summary.js';
import type { CookieJarsSummary } from './cookie-jar.js';
import type { DiscoveryRecord } from './discovery.js';
import { nfsSummary, type NfsSummary } from './nfs-summary.js';
import type { DiagnosticsCollection } from './diagnostics/types.js';
import type { IterationRecord, LoadResult } from './generator.js';
import type { OperationRecord, RequestRecord } from './install.js';
import { seedPercentile, summarizeSeedRun, type OperationOutcome, type SeedSummary } from './seed-summary.js';
import type { DeclaredSizing } from './sizing.js';

/**
 * signal: Ctrl-C; threshold: --max-error-rate; abort-on-fail: a --threshold crossed with --abort-on-fail; crash;
 * engine: the Locust master or a worker ended mid-run.
 */
export type InterruptReason = 'signal' | 'threshold' | 'abort-on-fail' | 'crash' | 'engine';

export interface TimelineSecond {
  /** Whole seconds from the run start. */
  second: number;
  /** HTTP requests dispatched in this second. */
  requests_sent: number;
  /** HTTP requests completed in this second (with or without a response). */
  requests_completed: number;
  /** HTTP responses received in this second (requests completed with a status). */
  responses: number;
  /** HTTP requests completed in this second with a status >= 400 or without a response. */
  errors: number;
  /** Operations completed in this second, and how many of them failed. */
  operations: number;
  failures: number;
  status_5xx: number;
  timeouts: number;
  connection_errors: number;
  /** P95 (seed rule) of the successful operations completed in this second, ms. */
  latency_p95: number | null;
}

/** A worker of the Locust engine, as the summary records it. */
export interface EngineWorkerSummary {
  /** The master's worker index (connection ids are "w<index>-c<n>"). */
  index: number;
  host: string;
  pid: number;
  /** Started by capsim on this host (else it connected from elsewhere). */
  local: boolean;
  installs: number;
  /** HTTP requests it recorded (every attempt and redirect hop). */
  requests: number;
  operations: number;
  connections: number;
  /** Half the round trip of the ping its clock was tied to capsim's with: its times are this exact, ms. */
  clock_uncertainty_ms: number;
}

/** Which engine sent the load: capsim's own (native), or Locust's master and workers. */
export interface EngineSummary {
  name: 'native' | 'locust';
  /** capsim's version (native) or the version Locust's runner reported (locust). */
  version: string;
  /** Processes that sent the load. */
  workers: number;
  /** The cookie jars the scenario's cookie scope made (the Locust engine's shared scope is a jar per worker process). */
  cookies: CookieJarsSummary;
  /** Locust: where the version comes from. */
  version_source?: string;
  /** Locust: the master capsim ran (its host is this one) and the port workers connect to. */
  master?: { host: string; pid: number; bind: string; port: number };
  /** Locust: each worker's host and what it sent. */
  per_worker?: EngineWorkerSummary[];
}

export interface UpstreamShare {
  requests: number;
  share: number;
}

export interface ValidationSummary extends SeedSummary {
  /** Percentiles over every operation (failures at the time they failed), ms; null without operations. */
  latency_all_median: number | null;
  latency_all_p95: number | null;
  latency_all_p99: number | null;
  /** HTTP responses with a 5xx status, every attempt (error_5xx_count counts operations whose final status was 5xx). */
  http_5xx_responses: number;
  /** The target, credentials removed. */
  target: string;
  engine: EngineSummary;
  flow: string;
  http_requests: number;
  installs: { started: number; ok: number; failed: number; problems: Record<string, number> };
  connections_opened: number;
  sizing: DeclaredSizing;
  /** The scenario sent, as a scenario file states it: its repository is the index's own (see `repository`). */
  scenario: ReturnType<typeof scenarioAsWritten>;
  /** The index's repository in the scenario's shape, for calibrate and `predict --repository-from`. */
  repository: Repository;
  /** How the repository was learnt: format, counts, sizes, the projects installs picked from. */
  discovery: DiscoveryRecord | null;
  upstream_share: Record<string, UpstreamShare>;
  /** The same over the requests of burst iterations only (empty for a load without bursts). */
  upstream_share_bursts: Record<string, UpstreamShare>;
  requests_without_upstream_header: number;
  iterations: IterationRecord[];
  timeline: TimelineSecond[];
  diagnostics: DiagnosticsCollection[];
  /** AWS's view of each burst (with --target-group-arn or --cluster/--service), null without. */
  aws: AwsSection | null;
  /** NFS operations per request during bursts beside the model's, null when no host reported NFS counters. */
  nfs: NfsSummary | null;
  max_error_rate: number | null;
  interrupted: boolean;
  interrupt_reason: InterruptReason | null;
  interrupt_detail: string | null;
  /** Requests still in flight when the run was stopped (not measured). */
  aborted_in_flight_installs: number;
  /** The --threshold checks on the final figures (only when thresholds were given). */
  thresholds?: ThresholdResult[];
}

/** Collects requests and operations as they complete. */
export class SummaryAccumulator {
  readonly outcomes: OperationOutcome[] = [];
  httpRequests = 0;
  failures = 0;
  private readonly upstreams = new Map<string, number>();
  private readonly burstUpstreams = new Map<string, number>();
  private withoutUpstream = 0;
  private readonly seconds = new Map<number, TimelineSecond & { latencies: number[] }>();
  /** 5xx responses so far (every attempt). */
  http5xx = 0;

  /** `isBurst` tells whether an iteration is a burst (the scenario's schedule); without it no burst share is kept. */
  constructor(
    private readonly runStartPerf: number,
    private readonly wallOffsetMs: number,
    private readonly isBurst: (iteration: number | null) => boolean = () => false,
  ) {}

  private second(index: number) {
    let entry = this.seconds.get(index);
    if (!entry) {
      entry = {
        second: index,
        requests_sent: 0,
        requests_completed: 0,
        responses: 0,
        errors: 0,
        operations: 0,
        failures: 0,
        status_5xx: 0,
        timeouts: 0,
        connection_errors: 0,
        latency_p95: null,
        latencies: [],
      };
      this.seconds.set(index, entry);
    }
    return entry;
  }

  addRequest(record: RequestRecord): void {
    this.httpRequests += 1;
    if (record.upstream) {
      this.upstreams.set(record.upstream, (this.upstreams.get(record.upstream) ?? 0) + 1);
      if (this.isBurst(record.iteration)) this.burstUpstreams.set(record.upstream, (this.burstUpstreams.get(record.upstream) ?? 0) + 1);
    } else this.withoutUpstream += 1;
    this.second(Math.floor(record.t)).requests_sent += 1;
    const done = this.second(Math.floor(record.t + record.latency_ms / 1000));
    done.requests_completed += 1;
    if (record.status !== null) done.responses += 1;
    if (record.status === null || record.status >= 400) done.errors += 1;
    if (record.status !== null && record.status >= 500) {
      done.status_5xx += 1;
      this.http5xx += 1;
    }
    if (record.error_class === 'timeout' || record.error_class === 'connect_timeout') done.timeouts += 1;
    if (record.error_class === 'connection_refused' || record.error_class === 'connection_reset' || record.error_class === 'dns') done.connection_errors += 1;
  }

  addOperation(record: OperationRecord): void {
    this.outcomes.push({
      operation: record.operation,
      latencyMs: record.latencyMs,
      ok: record.ok,
      ...(record.status !== undefined ? { status: record.status } : {}),
      ...(record.errorClass ? { errorClass: record.errorClass } : {}),
      ...(record.error ? { error: record.error } : {}),
      endMs: this.wallOffsetMs + record.endPerf,
      path: record.path,
    });
    if (!record.ok) this.failures += 1;
    const entry = this.second(Math.floor((record.endPerf - this.runStartPerf) / 1000));
    entry.operations += 1;
    if (record.ok) entry.latencies.push(record.latencyMs);
    else entry.failures += 1;
  }

  get operations(): number {
    return this.outcomes.length;
  }

  upstreamShare(): { shares: Record<string, UpstreamShare>; bursts: Record<string, UpstreamShare>; without: number } {
    return { shares: sharesOf(this.upstreams), bursts: sharesOf(this.burstUpstreams), without: this.withoutUpstream };
  }

  timeline(): TimelineSecond[] {
    const entries = [...this.seconds.values()].sort((a, b) => a.second - b.second);
    if (entries.length === 0) return [];
    const out: TimelineSecond[] = [];
    const last = entries[entries.length - 1].second;
    for (let s = Math.min(0, entries[0].second); s <= last; s += 1) {
      const entry = this.seconds.get(s);
      if (!entry) {
        out.push({ second: s, requests_sent: 0, requests_completed: 0, responses: 0, errors: 0, operations: 0, failures: 0, status_5xx: 0, timeouts: 0, connection_errors: 0, latency_p95: null });
        continue;
      }
      const { latencies, ...rest } = entry;
      out.push({ ...rest, latency_p95: seedPercentile([...latencies].sort((a, b) => a - b), 0.95) });
    }
    return out;
  }
}

function sharesOf(counts: Map<string, number>): Record<string, UpstreamShare> {
  const total = [...counts.values()].reduce((sum, count) => sum + count, 0);
  const shares: Record<string, UpstreamShare> = {};
  for (const [name, count] of [...counts.entries()].sort((a, b) => a[0].localeCompare(b[0]))) {
    shares[name] = { requests: count, share: total > 0 ? count / total : 0 };
  }
  return shares;
}

/** Seed-rule percentiles over every operation (failures at the time they failed). */
export function allOperationPercentiles(outcomes: readonly OperationOutcome[]): { median: number | null; p95: number | null; p99: number | null } {
  const sorted = outcomes.map((o) => o.latencyMs).sort((a, b) => a - b);
  return { median: seedPercentile(sorted, 0.5), p95: seedPercentile(sorted, 0.95), p99: seedPercentile(sorted, 0.99) };
}

export interface SummaryInput {
  profile: string;
  target: string;
  engine: EngineSummary;
  startMs: number;
  endMs: number;
  accumulator: SummaryAccumulator;
  load: LoadResult | null;
  sizing: DeclaredSizing;
  scenario: Scenario;
  discovery: DiscoveryRecord | null;
  diagnostics: DiagnosticsCollection[];
  aws: AwsSection | null;
  /** The model's NFS operations per request for this run, and the calibration it comes from. */
  nfsPrediction: { perRequest: number; calibration: string } | null;
  maxErrorRate: number | null;
  interruptReason: InterruptReason | null;
  interruptDetail: string | null;
  abortedInFlightInstalls: number;
}

export function buildSummary(input: SummaryInput): ValidationSummary {
  const seed = summarizeSeedRun({ profile: input.profile, startMs: input.startMs, endMs: input.endMs, outcomes: input.accumulator.outcomes });
  const { shares, bursts, without } = input.accumulator.upstreamShare();
  const all = allOperationPercentiles(input.accumulator.outcomes);
  const timeline = input.accumulator.timeline();
  const load = input.load;
  return {
    ...seed,
    latency_all_median: all.median,
    latency_all_p95: all.p95,
    latency_all_p99: all.p99,
    http_5xx_responses: input.accumulator.http5xx,
    target: input.target,
    engine: input.engine,
    flow: input.scenario.flow,
    http_requests: input.accumulator.httpRequests,
    installs: {
      started: load?.installsStarted ?? 0,
      ok: load?.installsOk ?? 0,
      failed: load?.installsFailed ?? 0,
      problems: load?.installProblems ?? {},
    },
    connections_opened: load?.connectionsOpened ?? 0,
    sizing: input.sizing,
    scenario: scenarioAsWritten(input.scenario),
    repository: input.scenario.repository,
    discovery: input.discovery,
    upstream_share: shares,
    upstream_share_bursts: bursts,
    requests_without_upstream_header: without,
    iterations: load?.iterations ?? [],
    timeline,
    diagnostics: input.diagnostics,
    aws: input.aws,
    nfs: nfsSummary(input.diagnostics, timeline, input.startMs, input.nfsPrediction?.perRequest ?? null, input.nfsPrediction?.calibration ?? '-'),
    max_error_rate: input.maxErrorRate,
    interrupted: input.interruptReason !== null,
    interrupt_reason: input.interruptReason,
    interrupt_detail: input.interruptDetail,
    aborted_in_flight_installs: input.abortedInFlightInstalls,
  };
}
