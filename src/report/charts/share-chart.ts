/**
 * Share of burst requests per target (ECS task, gunicorn server, upstream)
 * or per instance, as bars against the even share 1/N: the picture of where
 * the burst goes (the module's notes saw one instance at 97-100 % CPU while
 * the other idled).
 */
import { CHART_HEIGHT, CHART_WIDTH, COLORS, chartSpec, type Chart } from './chart.js';

export interface ShareBar {
  name: string;
  /** Fraction of the requests, 0..1. */
  share: number;
  /** 95 % interval over replications, when known. */
  ciLow?: number;
  ciHigh?: number;
}

export function shareChart(id: string, of: 'target' | 'instance', bars: ShareBar[], scope: 'burst' | 'all'): Chart | null {
  if (bars.length === 0) return null;
  const even = 1 / bars.length;
  const what = scope === 'burst' ? 'burst requests' : 'requests';
  const title = `Share of ${what} per ${of}`;
  const order = bars.map((b) => b.name);
  const layers: Record<string, unknown>[] = [
    {
      mark: { type: 'bar', color: COLORS.requests, clip: true },
      encoding: {
        x: { field: 'name', type: 'nominal', title: of, sort: order, axis: { labelAngle: bars.length > 6 ? -40 : 0, labelLimit: 240 } },
        y: { field: 'share', type: 'quantitative', title: `share of ${what} (%)`, axis: { format: '%' }, scale: { domain: [0, Math.min(1, Math.max(...bars.map((b) => Math.max(b.share, b.ciHigh ?? 0)), even) * 1.15)] } },
      },
    },
    {
      data: { values: [{ even }] },
      mark: { type: 'rule', color: COLORS.slo, strokeDash: [5, 3] },
      encoding: { y: { field: 'even', type: 'quantitative' } },
    },
  ];
  if (bars.some((b) => b.ciLow !== undefined && b.ciHigh !== undefined)) {
    layers.push({
      mark: { type: 'rule', color: COLORS.slo },
      encoding: { x: { field: 'name', type: 'nominal', sort: order }, y: { field: 'ciLow', type: 'quantitative' }, y2: { field: 'ciHigh' } },
    });
  }
  return {
    id,
    title,
    caption: `The dashed line is an even spread (1/${bars.length} = ${(100 * even).toFixed(1)} %); a bar far above it is a ${of} the ${scope === 'burst' ? 'burst' : 'load'} piles onto while others idle.`,
    spec: chartSpec(title, { width: CHART_WIDTH, height: CHART_HEIGHT, data: { values: bars }, layer: layers }),
  };
}
