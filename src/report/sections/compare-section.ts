/** The report section of a comparison: predicted next to measured, on the same axes, with the relative errors and gates. */
import type { GateResult } from '../../gate/compare-gate.js';
import type { ThresholdResult } from '../../gate/evaluate.js';
import type { Chart } from '../charts/chart.js';
import { compareChart } from '../charts/compare-chart.js';
import { latencyCdfChart } from '../charts/latency-cdf-chart.js';
import { timelineChart } from '../charts/timeline-chart.js';
import { describeMismatches, type MatchResult } from '../compare-match.js';
import { comparisonRows, type Comparison } from '../compare.js';
import type { PageSection, Verdict } from '../page/page.js';
import { predictionDistributions, predictionTimeline, type PredictionData } from '../sources/prediction-view.js';
import { runDistributions, runTimeline, type RunData, type RunOperation } from '../sources/run-view.js';
import { thresholdVerdict } from './tables.js';

export interface CompareSectionInput {
  comparison: Comparison;
  prediction: PredictionData;
  run: RunData;
  operations: readonly RunOperation[] | null;
  match: MatchResult;
  gate?: GateResult[];
  thresholds?: ThresholdResult[];
}

export function compareCharts(input: CompareSectionInput, id: string): Chart[] {
  const predicted = predictionTimeline(input.prediction);
  const measured = runTimeline(input.run);
  const pd = predictionDistributions(input.prediction);
  const md = runDistributions(input.run, input.operations);
  const charts = [
    compareChart(`${id}-figures`, input.comparison.metrics),
    predicted && measured ? timelineChart(`${id}-timeline`, [predicted, measured]) : null,
    pd && md ? latencyCdfChart(`${id}-latency`, [pd, md]) : null,
  ];
  return charts.filter((c): c is Chart => c !== null);
}

function gateVerdict(gate: GateResult[] | undefined): Verdict[] {
  if (!gate || gate.length === 0) return [];
  return [{ title: 'Tolerances', lines: gate.map((g) => ({ ok: g.ok, text: `${g.metric} ${g.rule}`, detail: g.detail })) }];
}

export function compareSection(input: CompareSectionInput, options: { id: string; title: string }): PageSection {
  const c = input.comparison;
  const notices: string[] = [];
  if (input.match.mismatches.length > 0) notices.push(`The prediction does not describe this run: ${describeMismatches(input.match.mismatches)}. Compared anyway (--force): read the differences with that in mind.`);
  if (input.match.unchecked.length > 0) notices.push(`The run does not state ${input.match.unchecked.join(', ')}: not checked against the prediction.`);
  if (c.run.interrupted) notices.push('The measured run is partial (interrupted).');
  const rows = comparisonRows(c);
  return {
    id: options.id,
    title: options.title,
    meta: [`prediction: ${c.prediction.sizing}; scenario ${c.prediction.scenario}; calibration ${c.prediction.calibration}; ${c.prediction.replications} replications (${c.prediction.file})`, `measured: ${c.run.file}`],
    notices,
    verdicts: [...gateVerdict(input.gate), ...thresholdVerdict(input.thresholds, 'measured')],
    tables: [{ caption: 'Predicted vs measured', header: rows.header, rows: rows.rows, numeric: rows.numeric }],
    charts: compareCharts(input, options.id),
  };
}
