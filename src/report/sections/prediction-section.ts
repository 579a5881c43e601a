/** The report section of one prediction: what was predicted, the figures, every chart its data supports. */
import type { ThresholdResult } from '../../gate/evaluate.js';
import { autoscalingChart } from '../charts/autoscaling-chart.js';
import type { Chart } from '../charts/chart.js';
import { instanceSeriesChart } from '../charts/instance-series-chart.js';
import { latencyCdfChart } from '../charts/latency-cdf-chart.js';
import { shareChart } from '../charts/share-chart.js';
import { timelineChart } from '../charts/timeline-chart.js';
import type { PageSection } from '../page/page.js';
import { costLine, failuresLine, instanceTable, predictionHeader } from '../predict-report.js';
import {
  predictionDistributions,
  predictionFigures,
  predictionInstanceSamples,
  predictionShares,
  predictionTimeline,
  type PredictionData,
} from '../sources/prediction-view.js';
import { countCell, figuresTable, msCell, pctCell, thresholdVerdict } from './tables.js';

export function predictionCharts(p: PredictionData, id: string): Chart[] {
  const timeline = predictionTimeline(p);
  const distributions = predictionDistributions(p);
  const shares = predictionShares(p);
  const bursts = p.bursts ?? [];
  const charts = [
    timeline ? timelineChart(`${id}-timeline`, [timeline]) : null,
    distributions ? latencyCdfChart(`${id}-latency`, [distributions]) : null,
    shareChart(`${id}-target-share`, 'target', shares.targets, 'burst'),
    shareChart(`${id}-instance-share`, 'instance', shares.instances, 'burst'),
    instanceSeriesChart(`${id}-instances`, predictionInstanceSamples(p), bursts, 'per-second'),
    autoscalingChart(`${id}-autoscaling`, p.autoscaling?.tasks ?? [], p.autoscaling?.events ?? [], bursts),
  ];
  return charts.filter((c): c is Chart => c !== null);
}

export function predictionSection(p: PredictionData, options: { id: string; title: string; thresholds?: ThresholdResult[] }): PageSection {
  const perOperation = Object.entries(p.perOperation ?? {});
  const instances = instanceTable(p);
  return {
    id: options.id,
    title: options.title,
    meta: [...predictionHeader(p), failuresLine(p), costLine(p)],
    notices: p.timeline ? [] : ['This prediction holds no timeline (it was made without --timeline or --report): the timeline chart is left out.'],
    verdicts: thresholdVerdict(options.thresholds, `means over ${p.replications} replications`),
    tables: [
      figuresTable(predictionFigures(p), 'Headline figures (means over replications, 95 % intervals)'),
      {
        caption: 'Per operation',
        header: ['operation', 'operations', 'error rate', 'mean (all)', 'mean (successful)', 'P95 (successful)'],
        rows: perOperation.map(([name, o]) => [name, countCell(o.operations.mean), pctCell(o.errorRate.mean), msCell(o.meanMs.mean), msCell(o.meanOkMs?.mean), msCell(o.p95Ms.mean)]),
        numeric: [false, true, true, true, true, true],
      },
      { caption: 'Per instance (peaks, means over replications)', ...instances },
    ],
    charts: predictionCharts(p, options.id),
  };
}
