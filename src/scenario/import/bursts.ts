/**
 * Bursts in a series of requests per second. Rates are taken over sliding
 * 10-s windows; the window starting at second s is hot when it holds at least
 * `factor` times the median window of the usual traffic (the whole log's,
 * even when only a window of it is kept: a busiest window would otherwise
 * raise the bar) and at least `minRequestsPerSecond` x 10 requests. A burst is
 * the union of overlapping hot windows, trimmed to its first and last busy
 * second; bursts less than a window apart are one.
 */

export const BURST_WINDOW_SECONDS = 10;

export interface BurstOptions {
  /** A hot window holds at least this many times the median window (default 4). */
  factor?: number;
  /** ... and at least this rate, requests per second (default 1). */
  minRequestsPerSecond?: number;
}

export interface BurstSpan {
  /** Index (second) of the first and one past the last second. */
  from: number;
  to: number;
  requests: number;
  /** Most requests in one second. */
  peakPerSecond: number;
}

function median(values: Float64Array): number {
  if (values.length === 0) return 0;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

/** Requests in each sliding window of `w` seconds. */
function windowSums(perSecond: Float64Array, w: number): Float64Array {
  const n = perSecond.length;
  const windows = new Float64Array(Math.max(0, n - w + 1));
  let sum = 0;
  for (let s = 0; s < n; s++) {
    sum += perSecond[s];
    if (s >= w) sum -= perSecond[s - w];
    if (s >= w - 1) windows[s - w + 1] = sum;
  }
  return windows;
}

/** The median requests of a 10-s window in `perSecond`: the usual traffic bursts are measured against. */
export function usualWindow(perSecond: Float64Array): number {
  return median(windowSums(perSecond, Math.min(BURST_WINDOW_SECONDS, Math.max(1, perSecond.length))));
}

/**
 * The bursts of `perSecond` (requests in each second); `usual` is the median
 * 10-s window of the traffic they stand out from (default: of `perSecond`).
 */
export function findBursts(perSecond: Float64Array, options: BurstOptions = {}, usual = usualWindow(perSecond)): BurstSpan[] {
  const factor = options.factor ?? 4;
  const minRate = options.minRequestsPerSecond ?? 1;
  const n = perSecond.length;
  const w = Math.min(BURST_WINDOW_SECONDS, Math.max(1, n));
  const windows = windowSums(perSecond, w);
  const threshold = Math.max(factor * usual, minRate * w);
  const spans: BurstSpan[] = [];
  let current: { from: number; to: number } | null = null;
  for (let s = 0; s < windows.length; s++) {
    if (windows[s] < threshold) continue;
    if (current && s <= current.to) current.to = s + w;
    else {
      if (current) spans.push(trim(perSecond, current.from, current.to));
      current = { from: s, to: s + w };
    }
  }
  if (current) spans.push(trim(perSecond, current.from, current.to));
  return spans;
}

function trim(perSecond: Float64Array, from: number, to: number): BurstSpan {
  while (from < to && perSecond[from] === 0) from++;
  while (to > from && perSecond[to - 1] === 0) to--;
  let requests = 0;
  let peak = 0;
  for (let s = from; s < to; s++) {
    requests += perSecond[s];
    if (perSecond[s] > peak) peak = perSecond[s];
  }
  return { from, to, requests, peakPerSecond: peak };
}
