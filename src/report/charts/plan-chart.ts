/**
 * `capsim plan`: cost vs P95 and cost vs error rate for every candidate,
 * the Pareto frontier of cost vs P95 drawn as a step line, the SLO's
 * objectives as horizontal lines, the recommendation circled and named.
 */
import { CHART_HEIGHT, CHART_WIDTH, COLORS, chartSpec, type Chart } from './chart.js';

export interface PlanPoint {
  id: string;
  costPerMonthUsd: number;
  p95Ms: number;
  errorRate: number;
  status: 'meets' | 'misses' | 'dropped';
}

const STATUS = [
  { key: 'meets', name: 'meets the SLO', color: COLORS.meets },
  { key: 'misses', name: 'misses', color: COLORS.misses },
  { key: 'dropped', name: 'dropped early (misses)', color: COLORS.dropped },
] as const;

export function planChart(id: string, points: PlanPoint[], paretoIds: string[], recommendedId: string | null, slo: { errorRate: number; p95Ms: number }): Chart | null {
  const finite = points.filter((p) => Number.isFinite(p.p95Ms) && Number.isFinite(p.errorRate));
  if (finite.length === 0) return null;
  const rows = finite.map((p) => ({ ...p, statusName: STATUS.find((s) => s.key === p.status)!.name }));
  const pareto = rows.filter((p) => paretoIds.includes(p.id)).sort((a, b) => a.costPerMonthUsd - b.costPerMonthUsd);
  const recommended = rows.filter((p) => p.id === recommendedId);
  const x = { field: 'costPerMonthUsd', type: 'quantitative', title: 'cost (USD per month)', scale: { zero: false, padding: 14 }, axis: { format: '$,.0f' } };
  const color = { field: 'statusName', type: 'nominal', title: null, scale: { domain: STATUS.map((s) => s.name), range: STATUS.map((s) => s.color) } };
  const panel = (field: 'p95Ms' | 'errorRate', yTitle: string, objective: number, format: string, scale: Record<string, unknown>) => {
    const line = [{ objective, label: `SLO ${field === 'p95Ms' ? `P95 ${objective.toLocaleString('en-US')} ms` : `error rate ${+(100 * objective).toPrecision(3)} %`}` }];
    const layer: Record<string, unknown>[] = [
      {
        data: { values: rows },
        mark: { type: 'point', filled: true, size: 40, opacity: 0.75 },
        encoding: { x, y: { field, type: 'quantitative', title: yTitle, axis: { format, ...(field === 'errorRate' ? { values: [0, 0.001, 0.01, 0.1, 1] } : {}) }, scale }, color },
      },
      { data: { values: line }, mark: { type: 'rule', color: COLORS.slo, strokeDash: [6, 3] }, encoding: { y: { field: 'objective', type: 'quantitative' } } },
      {
        data: { values: line },
        mark: { type: 'text', align: 'right', baseline: 'bottom', dy: -2, fontSize: 11, color: COLORS.slo },
        encoding: { y: { field: 'objective', type: 'quantitative' }, x: { value: CHART_WIDTH }, text: { field: 'label' } },
      },
    ];
    if (field === 'p95Ms' && pareto.length > 0) {
      layer.push({ data: { values: pareto }, mark: { type: 'line', interpolate: 'step-after', color: COLORS.slo, strokeWidth: 1.5 }, encoding: { x, y: { field, type: 'quantitative' } } });
    }
    if (recommended.length > 0) {
      layer.push(
        { data: { values: recommended }, mark: { type: 'point', shape: 'circle', size: 260, strokeWidth: 2.5, color: '#000000', filled: false }, encoding: { x, y: { field, type: 'quantitative' } } },
        { data: { values: recommended }, mark: { type: 'text', align: 'left', dx: 12, fontSize: 12, fontWeight: 'bold' }, encoding: { x, y: { field, type: 'quantitative' }, text: { value: 'recommended' } } },
      );
    }
    return { width: CHART_WIDTH, height: CHART_HEIGHT, layer };
  };
  const title = 'Cost vs P95 and error rate of every candidate';
  return {
    id,
    title,
    caption:
      'Each point is a candidate sizing. The step line is the Pareto frontier (nothing cheaper is faster); dashed lines are the SLO; the circled point is the cheapest candidate that meets both objectives.',
    spec: chartSpec(title, {
      vconcat: [
        panel('p95Ms', 'P95 of successful operations (ms)', slo.p95Ms, ',.0f', { zero: true }),
        panel('errorRate', 'error rate (%, symlog scale)', slo.errorRate, '~%', { type: 'symlog', constant: 0.001, domain: [0, 1] }),
      ],
      spacing: 16,
      resolve: { scale: { color: 'shared' } },
    }),
  };
}
