/**
 * pip's retry policy, as urllib3's Retry(total=N, backoff_factor=F,
 * status_forcelist=[500, 503, 520, 527]) applies it to each HTTP request:
 * connection errors, read errors and timeouts of a GET, and the listed
 * statuses are retried; 502 and 504 are not. urllib3 sleeps 0 before the
 * first retry and F * 2^(k-1) before retry k >= 2 (0, 0.5, 1, 2, 4 s for
 * F = 0.25), or the Retry-After of a 503.
 */

/** Seconds urllib3 sleeps before retry number `retry` (1-based); shared with the model's clients. */
export { retryBackoffSeconds } from '../scenario/retry-backoff.js';

/** Error classes urllib3 retries for a GET (connect and read errors). */
export const RETRYABLE_ERROR_CLASSES = ['timeout', 'connect_timeout', 'connection_refused', 'connection_reset', 'dns'] as const;
const RETRYABLE_ERRORS: ReadonlySet<string> = new Set(RETRYABLE_ERROR_CLASSES);

/** Statuses whose Retry-After header sets the wait before the retry (urllib3 honours it on 503). */
export const RETRY_AFTER_STATUSES: readonly number[] = [503];

export function isRetryable(outcome: { status?: number; errorClass?: string }, retryStatuses: readonly number[]): boolean {
  if (outcome.status !== undefined) return retryStatuses.includes(outcome.status);
  return outcome.errorClass !== undefined && RETRYABLE_ERRORS.has(outcome.errorClass);
}

/** Seconds from a Retry-After header (delta seconds or HTTP date), or null. */
export function retryAfterSeconds(header: string | undefined, nowMs = Date.now()): number | null {
  if (!header) return null;
  if (/^\s*\d+\s*$/.test(header)) return Number(header);
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, (date - nowMs) / 1000);
}
