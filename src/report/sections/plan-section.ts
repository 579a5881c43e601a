/** The report section of a plan: every candidate's cost against its P95 and error rate, the frontier, the recommendation. */
import type { Chart } from '../charts/chart.js';
import { planChart } from '../charts/plan-chart.js';
import type { PageSection } from '../page/page.js';
import type { PlanData } from '../sources/report-input.js';
import { msCell, pctCell } from './tables.js';

export function planCharts(plan: PlanData, id: string): Chart[] {
  const points = plan.candidates.map((c) => ({ id: c.id, costPerMonthUsd: c.costPerMonthUsd, p95Ms: c.p95Ms.mean, errorRate: c.errorRate.mean, status: c.status }));
  const chart = planChart(`${id}-candidates`, points, plan.analysis.pareto.map((c) => c.id), plan.analysis.recommendation?.id ?? null, plan.slo);
  return chart ? [chart] : [];
}

export function planSection(plan: PlanData, options: { id: string; title: string }): PageSection {
  const rec = plan.analysis.recommendation;
  const usd = (x: number) => `${x.toFixed(2)} USD`;
  const candidateRow = (c: PlanData['candidates'][number]) => [usd(c.costPerMonthUsd), c.id, pctCell(c.errorRate.mean), msCell(c.p95Ms.mean), c.status];
  const header = ['cost per month', 'sizing', 'error rate', 'P95', 'SLO'];
  const numeric = [true, false, true, true, false];
  return {
    id: options.id,
    title: options.title,
    meta: [
      `scenario ${plan.scenario.name}, planned load ${plan.scenario.load} (${plan.headroom === 1 ? 'no headroom' : `headroom x ${plan.headroom}`}); calibration ${plan.calibration}; seed ${plan.seed}`,
      `SLO: error rate <= ${pctCell(plan.slo.errorRate)}, P95 <= ${msCell(plan.slo.p95Ms)}, as means over ${plan.replications} replications; ${plan.grid.candidates} candidates (${plan.grid.rule}), ${plan.stats.droppedEarly} dropped early by racing`,
      `prices: ${plan.prices.region}, ${plan.prices.currency}, EC2 on demand as of ${plan.prices.instancePriceDate}`,
    ],
    notices: rec ? [] : ['No candidate meets the SLO.'],
    verdicts: rec
      ? [{ title: 'Recommendation', summary: 'the cheapest candidate that meets the SLO', lines: [{ ok: true, text: rec.id, detail: `${usd(rec.costPerMonthUsd)} per month; error rate ${pctCell(rec.errorRate.mean)}, P95 ${msCell(rec.p95Ms.mean)}${plan.reproduce ? `; reproduce: ${plan.reproduce}` : ''}` }] }]
      : [],
    tables: [
      { caption: 'Pareto frontier of cost vs P95 (error rate within the SLO; nothing cheaper is faster)', header, rows: plan.analysis.pareto.map(candidateRow), numeric },
      ...(plan.analysis.cheaper.length > 0
        ? [{ caption: 'Nearest cheaper candidates (all miss the SLO)', header: [...header, 'why it misses'], rows: plan.analysis.cheaper.map((l) => [...candidateRow(l.closest), l.closest.why]), numeric, wrap: [false, false, false, false, false, true] }]
        : []),
      ...(rec ? [] : [{ caption: 'Closest candidates', header: [...header, 'what they miss by'], rows: plan.analysis.closest.map((c) => [...candidateRow(c), c.why]), numeric, wrap: [false, false, false, false, false, true] }]),
    ],
    charts: planCharts(plan, options.id),
  };
}
