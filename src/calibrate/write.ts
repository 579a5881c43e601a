/**
 * The calibration file `capsim calibrate --out` writes (format:
 * calibration-file.ts): parameter values (the base calibration's and --set
 * overrides plus the fitted ones), which were fitted, the runs used (file,
 * kind, sizing, scenario, where each came from), the loss, per run the
 * observed vs predicted metrics, and in optional fields the fit settings,
 * the identifiability table and leave-one-out errors. Written atomically
 * (temporary file, then rename) after checking it loads back.
 */
import { writeFileAtomic } from '../output/output-path.js';
import type { CalibrationReport, PreparedCalibration } from './calibrate.js';
import { type CalibrationFile, validateCalibration } from './calibration-file.js';

export function calibrationFileOf(report: CalibrationReport, prepared: PreparedCalibration): CalibrationFile {
  const labels = report.runs.map((r) => r.label).join(', ');
  const description =
    prepared.options.description ??
    `Fitted by capsim calibrate: ${Object.keys(report.fitted).join(', ')} to ${report.runs.length} run${report.runs.length === 1 ? '' : 's'} (${labels}), starting from ${report.base}.`;
  return {
    name: report.name,
    stackKind: report.stackKind,
    description,
    parameters: report.parameters,
    fitted: Object.keys(report.fitted),
    runs: report.runs.map((r) => ({
      label: r.label,
      file: r.file,
      kind: r.kind,
      sizing: r.sizing,
      scenario: r.scenario,
      operations: r.operations,
      provenance: r.provenance,
    })),
    loss: report.loss,
    fit: report.runs.map((r) => ({ label: r.label, loss: r.loss, metrics: r.terms })),
    notes: [
      'loss = sum over runs and metrics of weight x ln((predicted + floor) / (observed + floor))^2 (src/calibrate/loss.ts)',
      `predictions are means over ${report.replications} replications with seed ${report.seed}; capsim predict --calibration ${report.name} --replications ${report.replications} --seed ${report.seed} at a run's sizing and scenario reproduces its row`,
      ...report.warnings,
    ],
    base: report.base,
    settings: {
      start: report.start,
      space: report.space,
      weights: report.weights,
      replications: report.replications,
      seed: report.seed,
      maxEvaluations: prepared.options.maxEvaluations,
      evaluations: report.evaluations,
      stopReason: report.stopReason,
      startLoss: report.startLoss,
    },
    identifiability: report.identifiability,
    leaveOneOut: report.leaveOneOut,
  };
}

/** Checks the file loads back, then writes it atomically (creating the directory). */
export function writeCalibrationFile(path: string, file: CalibrationFile): void {
  const text = `${JSON.stringify(file, null, 2)}\n`;
  validateCalibration(JSON.parse(text), path);
  writeFileAtomic(path, text, '--out');
}
