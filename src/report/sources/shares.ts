/**
 * Share lists as results hold them, read leniently: an array whose entries
 * are a number (a fraction), an interval ({ mean, ciLow, ciHigh }), or an
 * object with a `share` of either kind and an optional `name` / `target` /
 * `instance`. Entries without a name are numbered ("target 1", ...).
 */
import type { ShareBar } from '../charts/share-chart.js';

type Loose = Record<string, unknown>;

const isObject = (x: unknown): x is Loose => typeof x === 'object' && x !== null && !Array.isArray(x);

function fraction(x: unknown): { share: number; ciLow?: number; ciHigh?: number } | null {
  if (typeof x === 'number' && Number.isFinite(x)) return { share: x };
  if (isObject(x) && typeof x.mean === 'number' && Number.isFinite(x.mean)) {
    const interval = typeof x.ciLow === 'number' && typeof x.ciHigh === 'number' ? { ciLow: x.ciLow, ciHigh: x.ciHigh } : {};
    return { share: x.mean, ...interval };
  }
  return null;
}

export function readShares(raw: unknown, noun: string): ShareBar[] {
  if (!Array.isArray(raw)) return [];
  const bars: ShareBar[] = [];
  raw.forEach((entry, i) => {
    const value = isObject(entry) && 'share' in entry ? fraction(entry.share) : fraction(entry);
    if (!value) return;
    const named = isObject(entry) ? [entry.name, entry.target, entry.instance].find((n) => typeof n === 'string') : undefined;
    bars.push({ name: (named as string | undefined) ?? `${noun} ${i + 1}`, ...value });
  });
  return bars;
}
