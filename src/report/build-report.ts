/**
 * From results to a report page: one section per input (prediction, run,
 * plan), led by a comparison when the page holds exactly one prediction and
 * one run (or when compare asks for it), then written as one HTML file.
 * `capsim report` and the --report flag of predict, validate, compare and
 * plan all come through here.
 */
import { writeFileAtomic } from '../output/output-path.js';
import { capsimVersion } from '../package-root.js';
import type { ThresholdResult } from '../gate/evaluate.js';
import { compareData } from './compare.js';
import { renderPage, type PageSection, type RenderedPage, type ReportPage } from './page/page.js';
import { compareSection, type CompareSectionInput } from './sections/compare-section.js';
import { planSection } from './sections/plan-section.js';
import { predictionSection } from './sections/prediction-section.js';
import { runSection } from './sections/run-section.js';
import type { ReportInput } from './sources/report-input.js';

export interface ReportRequest {
  inputs: ReportInput[];
  /** A comparison to lead with (compare --report); built from the inputs when they are one prediction and one run. */
  comparison?: CompareSectionInput;
  /** Thresholds evaluated by the command that writes the report, per input index. */
  thresholds?: Map<number, ThresholdResult[]>;
}

function impliedComparison(inputs: ReportInput[]): CompareSectionInput | undefined {
  const predictions = inputs.filter((i) => i.kind === 'prediction');
  const runs = inputs.filter((i) => i.kind === 'run');
  if (predictions.length !== 1 || runs.length !== 1) return undefined;
  const p = predictions[0];
  const r = runs[0];
  const comparison = compareData(p.data, p.file, r.summary, r.file);
  return { comparison, prediction: p.data, run: r.summary, operations: r.operations, match: { mismatches: comparison.mismatches, unchecked: comparison.unchecked } };
}

function pageTitle(inputs: ReportInput[], compared: boolean): string {
  if (compared) return 'capsim: predicted vs measured';
  if (inputs.length === 1) {
    const only = inputs[0];
    if (only.kind === 'prediction') return `capsim prediction: ${only.data.config.instances} x ${only.data.config.instanceType}, ${only.data.config.tasks} tasks x ${only.data.config.workers} ${only.data.config.workerClass} workers`;
    if (only.kind === 'run') return `capsim run: ${only.summary.scenario?.name ?? only.summary.profile} against ${only.summary.target ?? 'a stack'}`;
    return `capsim plan: ${only.data.scenario.name}`;
  }
  return `capsim report: ${inputs.length} results`;
}

export function buildReportPage(request: ReportRequest): ReportPage {
  const comparison = request.comparison ?? impliedComparison(request.inputs);
  const sections: PageSection[] = [];
  if (comparison) sections.push(compareSection(comparison, { id: 'comparison', title: 'Predicted vs measured' }));
  const counts = { prediction: 0, run: 0, plan: 0 };
  request.inputs.forEach((input, index) => {
    const n = ++counts[input.kind];
    const thresholds = request.thresholds?.get(index);
    if (input.kind === 'prediction') sections.push(predictionSection(input.data, { id: `prediction-${n}`, title: `Prediction: ${input.data.scenario.name}`, thresholds: thresholds ?? (input.data as { thresholds?: ThresholdResult[] }).thresholds }));
    else if (input.kind === 'run') sections.push(runSection(input.summary, input.operations, { id: `run-${n}`, title: `Measured run: ${input.summary.scenario?.name ?? input.summary.profile}`, thresholds }));
    else sections.push(planSection(input.data, { id: `plan-${n}`, title: `Plan: ${input.data.scenario.name}` }));
  });
  return {
    title: pageTitle(request.inputs, comparison !== undefined),
    subtitle: request.inputs.map((i) => i.file).join(' · '),
    sections,
    footer: `Written by capsim ${capsimVersion()}. Self-contained: styles and charts (SVG, rendered with Vega-Lite) are in this file; nothing is loaded from anywhere.`,
  };
}

/** Renders the page and writes it (creating the directory); returns the page and its size. */
export async function writeReport(file: string, request: ReportRequest, flag = '--report'): Promise<RenderedPage & { bytes: number }> {
  const rendered = await renderPage(buildReportPage(request));
  writeFileAtomic(file, rendered.html, flag);
  return { ...rendered, bytes: Buffer.byteLength(rendered.html) };
}
