/** Waits `ms` milliseconds, or less if `signal` aborts first (resolves either way, never rejects). */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Rounds to 3 decimals (milliseconds to microseconds, seconds to milliseconds) for the records. */
export const round3 = (value: number): number => Math.round(value * 1000) / 1000;
