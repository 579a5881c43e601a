/**
 * The seed stress tool's summary, computed exactly the way the seed computes it
 * (docs/traffic.md, "The seed's stress tool"). Pure: used by `validate` on measured operations and
 * by the model on simulated ones.
 *
 * - An operation is one logical step (a redirect followed by the client is one
 *   operation of two HTTP requests; retries stay inside their operation).
 * - A failure is a final status >= 400, a timeout or a connection error.
 * - error_rate = failures / operations, a fraction (0.193 = 19.3 %).
 * - Latency statistics are over successful operations only, in milliseconds;
 *   P95 = sorted[int(0.95 n)], median = sorted[int(0.5 n)], P99 = sorted[int(0.99 n)].
 *   With no successful operation they are null.
 * - total_requests counts operations (the seed's "requests"), not HTTP requests.
 */

/** One completed operation. */
export interface OperationOutcome {
  /** Operation name, e.g. "root", "simple", "download". */
  operation: string;
  /** Time from the operation's first byte sent to its last byte received, ms (retries and redirects included). */
  latencyMs: number;
  ok: boolean;
  /** Final HTTP status, absent when no response came (timeout, connection error). */
  status?: number;
  /** Failure class (e.g. "timeout", "connection_refused", "http_status"); absent on success. */
  errorClass?: string;
  /** Short failure description for error samples (must already be free of credentials). */
  error?: string;
  /** When the operation finished, epoch ms (for error samples). */
  endMs?: number;
  /** Request path of the operation's first request (for error samples). */
  path?: string;
}

export interface LatencyStats {
  latency_min: number | null;
  latency_max: number | null;
  latency_mean: number | null;
  latency_median: number | null;
  latency_p95: number | null;
  latency_p99: number | null;
}

export interface OperationStats extends LatencyStats {
  total_requests: number;
  successful_requests: number;
  failed_requests: number;
  error_rate: number;
}

export interface ErrorSample {
  operation: string;
  status: number | null;
  error_class: string;
  error: string;
  path?: string;
  time?: string;
}

export interface SeedSummary extends LatencyStats {
  profile: string;
  start_time: string;
  end_time: string;
  duration_seconds: number;
  total_requests: number;
  successful_requests: number;
  failed_requests: number;
  error_rate: number;
  requests_per_second: number;
  status_code_counts: Record<string, number>;
  error_5xx_count: number;
  error_4xx_count: number;
  operations: Record<string, OperationStats>;
  error_samples: ErrorSample[];
}

export interface SeedSummaryInput {
  /** Profile name as the seed prints it (e.g. "production-incident"). */
  profile: string;
  startMs: number;
  endMs: number;
  outcomes: readonly OperationOutcome[];
  /** How many failures to keep as samples (seed-like default 10). */
  maxErrorSamples?: number;
}

/** The seed's percentile: sorted[int(q * n)] on an ascending array (null when empty). */
export function seedPercentile(sortedAscending: readonly number[], q: number): number | null {
  const n = sortedAscending.length;
  if (n === 0) return null;
  const index = Math.min(n - 1, Math.max(0, Math.floor(q * n)));
  return sortedAscending[index];
}

/** Min, max, mean, median, P95, P99 of latencies (ms), the seed's way. */
export function seedLatencyStats(latenciesMs: readonly number[]): LatencyStats {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) {
    return {
      latency_min: null,
      latency_max: null,
      latency_mean: null,
      latency_median: null,
      latency_p95: null,
      latency_p99: null,
    };
  }
  let sum = 0;
  for (const value of sorted) sum += value;
  return {
    latency_min: sorted[0],
    latency_max: sorted[n - 1],
    latency_mean: sum / n,
    latency_median: seedPercentile(sorted, 0.5),
    latency_p95: seedPercentile(sorted, 0.95),
    latency_p99: seedPercentile(sorted, 0.99),
  };
}

/** Counts, error rate and latency statistics of a set of operations. */
export function operationStats(outcomes: readonly OperationOutcome[]): OperationStats {
  const successes: number[] = [];
  for (const outcome of outcomes) if (outcome.ok) successes.push(outcome.latencyMs);
  const total = outcomes.length;
  const failed = total - successes.length;
  return {
    total_requests: total,
    successful_requests: successes.length,
    failed_requests: failed,
    error_rate: total === 0 ? 0 : failed / total,
    ...seedLatencyStats(successes),
  };
}

/** The seed tool's full summary of a run. */
export function summarizeSeedRun(input: SeedSummaryInput): SeedSummary {
  const { outcomes } = input;
  const maxSamples = input.maxErrorSamples ?? 10;
  const overall = operationStats(outcomes);
  const durationSeconds = Math.max(0, (input.endMs - input.startMs) / 1000);

  const statusCounts: Record<string, number> = {};
  let error5xx = 0;
  let error4xx = 0;
  const byOperation = new Map<string, OperationOutcome[]>();
  const samples: ErrorSample[] = [];
  for (const outcome of outcomes) {
    if (outcome.status !== undefined) {
      const key = String(outcome.status);
      statusCounts[key] = (statusCounts[key] ?? 0) + 1;
      if (outcome.status >= 500 && outcome.status <= 599) error5xx += 1;
      else if (outcome.status >= 400 && outcome.status <= 499) error4xx += 1;
    }
    let list = byOperation.get(outcome.operation);
    if (!list) byOperation.set(outcome.operation, (list = []));
    list.push(outcome);
    if (!outcome.ok && samples.length < maxSamples) {
      samples.push({
        operation: outcome.operation,
        status: outcome.status ?? null,
        error_class: outcome.errorClass ?? 'unknown',
        error: outcome.error ?? (outcome.status !== undefined ? `HTTP ${outcome.status}` : 'failed'),
        ...(outcome.path !== undefined ? { path: outcome.path } : {}),
        ...(outcome.endMs !== undefined ? { time: new Date(outcome.endMs).toISOString() } : {}),
      });
    }
  }
  const operations: Record<string, OperationStats> = {};
  for (const [name, list] of byOperation) operations[name] = operationStats(list);

  return {
    profile: input.profile,
    start_time: new Date(input.startMs).toISOString(),
    end_time: new Date(input.endMs).toISOString(),
    duration_seconds: durationSeconds,
    total_requests: overall.total_requests,
    successful_requests: overall.successful_requests,
    failed_requests: overall.failed_requests,
    error_rate: overall.error_rate,
    latency_min: overall.latency_min,
    latency_max: overall.latency_max,
    latency_mean: overall.latency_mean,
    latency_median: overall.latency_median,
    latency_p95: overall.latency_p95,
    latency_p99: overall.latency_p99,
    requests_per_second: durationSeconds > 0 ? overall.total_requests / durationSeconds : 0,
    status_code_counts: statusCounts,
    error_5xx_count: error5xx,
    error_4xx_count: error4xx,
    operations,
    error_samples: samples,
  };
}
