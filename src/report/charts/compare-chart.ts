/**
 * Predicted vs measured, side by side on the same axes, each pair labelled
 * with the relative error (predicted - measured) / measured; latencies in
 * one panel, error rate and throughput in their own (their units differ).
 */
import type { ComparedMetric } from '../compare.js';
import { CHART_WIDTH, COLORS, chartSpec, type Chart } from './chart.js';

const PANELS = [
  { title: 'latency (ms)', unit: 'ms', format: ',.0f' },
  { title: 'error rate (%)', unit: 'points', format: '.2%' },
  { title: 'throughput (operations/s)', unit: 'ops/s', format: ',.1f' },
] as const;

const signed = (x: number) => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)} %`;

export function compareChart(id: string, metrics: ComparedMetric[]): Chart | null {
  const panels = PANELS.map((panel) => ({ panel, rows: metrics.filter((m) => m.unit === panel.unit && m.predicted !== null && m.measured !== null) })).filter((p) => p.rows.length > 0);
  if (panels.length === 0) return null;
  const title = 'Predicted vs measured';
  const specs = panels.map(({ panel, rows }) => {
    const values = rows.flatMap((m) => [
      { metric: m.metric, source: 'predicted', value: m.predicted, label: '' },
      { metric: m.metric, source: 'measured', value: m.measured, label: '' },
    ]);
    const labels = rows.map((m) => ({
      metric: m.metric,
      value: Math.max(m.predicted ?? 0, m.measured ?? 0),
      label: m.unit === 'points' ? `${(m.difference ?? 0) >= 0 ? '+' : ''}${(m.difference ?? 0).toFixed(2)} points` : m.relativeError === null ? '' : signed(m.relativeError),
    }));
    const order = rows.map((m) => m.metric);
    return {
      width: Math.min(CHART_WIDTH, 150 * rows.length),
      height: rows.length > 4 ? 200 : 150,
      layer: [
        {
          data: { values },
          mark: { type: 'bar' },
          encoding: {
            x: { field: 'metric', type: 'nominal', title: null, sort: order, scale: { paddingInner: 0.3, paddingOuter: 0.2 }, axis: { labelAngle: 0, labelLimit: 110 } },
            xOffset: { field: 'source', type: 'nominal', scale: { domain: ['predicted', 'measured'] } },
            y: { field: 'value', type: 'quantitative', title: panel.title, axis: { format: panel.format }, scale: { domain: [0, Math.max(...values.map((v) => v.value ?? 0)) * 1.2 || (panel.unit === 'points' ? 0.01 : 1)] } },
            color: { field: 'source', type: 'nominal', title: null, scale: { domain: ['predicted', 'measured'], range: [COLORS.predicted, COLORS.measured] } },
          },
        },
        {
          data: { values: labels },
          mark: { type: 'text', baseline: 'bottom', dy: -3, fontSize: 12 },
          encoding: { x: { field: 'metric', type: 'nominal', sort: order }, y: { field: 'value', type: 'quantitative' }, text: { field: 'label' } },
        },
      ],
    };
  });
  return {
    id,
    title,
    caption: 'Each pair is one metric, predicted (left) and measured (right), labelled with the relative error (the error rate with its difference in points): labels near 0 mean the model explains the run.',
    spec: chartSpec(title, { vconcat: specs, spacing: 14, resolve: { scale: { y: 'independent', color: 'shared' } } }),
  };
}
