/**
 * A chart of a report: a Vega-Lite specification plus the words around it.
 * Every chart has a title (drawn in the SVG), axis titles with units (in the
 * specification) and a one-line caption saying what to read from it (printed
 * under the figure). Chart builders return `null` when their data is absent,
 * so a report shows exactly the charts its inputs can support.
 */
import type { TopLevelSpec } from 'vega-lite';

export interface Chart {
  /** Unique within a page (also the prefix of the SVG's element ids). */
  id: string;
  title: string;
  /** One line: what to read from the chart. */
  caption: string;
  spec: TopLevelSpec;
}

/** Plot area width of a single chart, px (the SVG scales down to the page). */
export const CHART_WIDTH = 560;
export const CHART_HEIGHT = 220;

/** Series colours used by every chart (colour-blind safe, print legibly in grey). */
export const COLORS = {
  requests: '#1f77b4',
  responses: '#2ca02c',
  errors: '#d62728',
  predicted: '#7b4fa0',
  measured: '#e08214',
  burst: '#dddddd',
  meets: '#2ca02c',
  misses: '#d62728',
  dropped: '#aaaaaa',
  slo: '#444444',
} as const;

/** The look shared by every chart: fonts from the reader's system (nothing is loaded), sizes readable when scaled. */
export const CHART_CONFIG = {
  font: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  background: 'white',
  padding: 8,
  view: { stroke: null },
  title: { fontSize: 15, anchor: 'start', offset: 10 },
  axis: { labelFontSize: 12, titleFontSize: 13, titleFontWeight: 'normal', gridColor: '#e6e6e6' },
  legend: { labelFontSize: 12, titleFontSize: 12, orient: 'bottom', direction: 'horizontal', labelLimit: 400, columns: 4 },
} as const;

/** Grey bands behind a chart's lines, one per burst (x in seconds / `scale`; a burst is at least `minWidth` wide). */
export function burstLayer(bursts: ReadonlyArray<{ startS: number; endS: number }>, scale = 1, minWidth = 1): Record<string, unknown>[] {
  if (bursts.length === 0) return [];
  return [
    {
      data: { values: bursts.map((b) => ({ start: b.startS / scale, end: Math.max(b.endS, b.startS + minWidth) / scale })) },
      mark: { type: 'rect', color: COLORS.burst, opacity: 0.6, clip: true },
      encoding: { x: { field: 'start', type: 'quantitative' }, x2: { field: 'end' } },
    },
  ];
}

/** The common frame of a chart specification: title and config (no $schema: nothing is ever fetched). */
export function chartSpec(title: string, body: Record<string, unknown>): TopLevelSpec {
  return {
    title,
    config: CHART_CONFIG,
    ...body,
  } as TopLevelSpec;
}
