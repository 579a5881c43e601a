/**
 * How long pip waits before a retry: urllib3 sleeps 0 before the first retry and
 * backoff_factor * 2^(k-1) before retry k >= 2 (0, 0.5, 1, 2, 4 s for 0.25), at most
 * 120 s. The live generator and the model's clients both follow it.
 */
export function retryBackoffSeconds(retry: number, backoffFactorSeconds: number): number {
  if (retry <= 1) return 0;
  return Math.min(120, backoffFactorSeconds * 2 ** (retry - 1));
}
