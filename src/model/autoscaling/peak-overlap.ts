/**
 * The largest number of intervals [start, end) that overlap at any instant
 * (end null = still open). An interval that ends exactly when another starts
 * does not overlap it: a task replaced at the same instant is not counted twice.
 */
export function peakOverlap(intervals: Iterable<{ start: number; end: number | null }>): number {
  const edges: Array<[number, number]> = [];
  for (const { start, end } of intervals) {
    if (end !== null && end <= start) continue;
    edges.push([start, 1]);
    if (end !== null) edges.push([end, -1]);
  }
  // Ends before starts at the same time.
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let level = 0;
  let peak = 0;
  for (const [, delta] of edges) {
    level += delta;
    if (level > peak) peak = level;
  }
  return peak;
}
