/**
 * Latency distribution per operation as a CDF: the fraction of operations
 * that finished within x ms, successful ones solid, failed ones dashed, log
 * time axis, with the headline P50 / P95 / P99 of successful operations
 * marked. With two sources (predicted and measured), successful operations
 * only, the source told by the dash.
 */
import type { CompactDistribution } from '../../sim/stats/distribution.js';
import { CHART_HEIGHT, CHART_WIDTH, COLORS, chartSpec, type Chart } from './chart.js';

export interface OperationDistribution {
  operation: string;
  ok: CompactDistribution | null;
  failed: CompactDistribution | null;
}

export interface LabelledDistributions {
  label: string;
  operations: OperationDistribution[];
  /** Headline percentiles of successful operations, ms (null when none succeeded). */
  marks: { p50: number | null; p95: number | null; p99: number | null };
}

/** Log axes need positive values; anything faster than this is drawn at it. */
const FLOOR_MS = 0.1;

interface Row {
  ms: number;
  fraction: number;
  operation: string;
  line: string;
}

function rowsOf(d: CompactDistribution, operation: string, line: string): Row[] {
  // A step at each grid point: the CDF reaches p at values[i].
  return d.values.map((v, i) => ({ ms: Math.max(FLOOR_MS, v), fraction: d.p[i], operation, line }));
}

export function latencyCdfChart(id: string, sources: LabelledDistributions[]): Chart | null {
  const compare = sources.length > 1;
  const rows: Row[] = [];
  for (const source of sources) {
    for (const op of source.operations) {
      if (op.ok) rows.push(...rowsOf(op.ok, op.operation, compare ? source.label : 'successful'));
      if (op.failed && !compare) rows.push(...rowsOf(op.failed, op.operation, 'failed'));
    }
  }
  if (rows.length === 0) return null;
  const lines = compare ? sources.map((s) => s.label) : ['successful', 'failed'].filter((l) => rows.some((r) => r.line === l));
  // Labels of the first source at the top of the plot, of the second at the bottom, so they never overlap.
  const marks: Array<{ ms: number; label: string; line: string; top: boolean; rank: number }> = [];
  (compare ? sources.slice(0, 2) : sources.slice(0, 1)).forEach((source, i) => {
    for (const [rank, [key, label]] of ([['p50', 'P50'], ['p95', 'P95'], ['p99', 'P99']] as const).entries()) {
      const value = source.marks[key];
      if (value === null || !Number.isFinite(value)) continue;
      marks.push({ ms: Math.max(FLOOR_MS, value), label, line: compare ? source.label : 'successful', top: i === 0, rank });
    }
  });
  const title = 'Latency distribution per operation (CDF)';
  const dash = { field: 'line', type: 'nominal', title: null, scale: { domain: lines, range: [[1, 0], [6, 3], [2, 2]] } };
  const x = { field: 'ms', type: 'quantitative', title: 'latency (ms, log scale)', scale: { type: 'log' }, axis: { format: '~s' } };
  const layers: Record<string, unknown>[] = [
    {
      data: { values: rows },
      mark: { type: 'line', strokeWidth: 2 },
      encoding: {
        x,
        y: { field: 'fraction', type: 'quantitative', title: 'fraction of operations done', axis: { format: '%' }, scale: { domain: [0, 1] } },
        color: { field: 'operation', type: 'nominal', title: 'operation' },
        strokeDash: dash,
        detail: { field: 'line' },
      },
    },
  ];
  if (marks.length > 0) {
    layers.push({
      data: { values: marks },
      mark: { type: 'rule', color: COLORS.slo, strokeWidth: 1 },
      encoding: { x: { field: 'ms', type: 'quantitative' }, strokeDash: dash },
    });
    // Each label one line lower (higher at the bottom) than the previous: P95 and P99 are often close.
    for (const top of [true, false]) {
      for (const rank of [0, 1, 2]) {
        const labels = marks.filter((m) => m.top === top && m.rank === rank);
        if (labels.length === 0) continue;
        layers.push({
          data: { values: labels },
          mark: { type: 'text', align: 'left', baseline: top ? 'top' : 'bottom', dx: 3, fontSize: 11, color: COLORS.slo },
          encoding: { x: { field: 'ms', type: 'quantitative' }, y: { value: top ? 2 + 13 * rank : CHART_HEIGHT - 2 - 13 * rank }, text: { field: 'label' } },
        });
      }
    }
  }
  return {
    id,
    title,
    caption: compare
      ? `Successful operations only; P50 / P95 / P99 of ${sources[0].label} labelled at the top, of ${sources[1].label} at the bottom. Where the lines of one operation part, the model is too fast (its line to the left) or too slow (to the right) at that fraction.`
      : 'Read across from a fraction to the time it took: a long flat tail before 100 % is the slow end the P95 and P99 (vertical rules, successful operations) come from.',
    spec: chartSpec(title, { width: CHART_WIDTH, height: CHART_HEIGHT, layer: layers, resolve: { scale: { strokeDash: 'shared' } } }),
  };
}
