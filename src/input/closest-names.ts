/**
 * "Did you mean" suggestions: the known names closest to a misspelt one by
 * edit distance (optimal string alignment: insertions, deletions,
 * substitutions and swaps of two adjacent characters each cost 1, so
 * "xlrage" is one edit from "xlarge"). Case is ignored.
 */

/** Optimal-string-alignment edit distance between a and b. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => {
    const row = new Array<number>(cols).fill(0);
    row[0] = i;
    return row;
  });
  for (let j = 0; j < cols; j++) d[0]![j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      }
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * Up to `count` names from `known`, closest to `wanted` first; ties keep the
 * order of `known` (the catalog order: family, then size).
 */
export function closestNames(wanted: string, known: readonly string[], count = 3): string[] {
  const target = wanted.toLowerCase();
  return known
    .map((name, index) => ({ name, index, distance: editDistance(target, name.toLowerCase()) }))
    .sort((x, y) => x.distance - y.distance || x.index - y.index)
    .slice(0, count)
    .map((entry) => entry.name);
}
