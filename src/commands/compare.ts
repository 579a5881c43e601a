import { Args, Command, Flags } from '@oclif/core';
import { grouped } from '../cli/flag-groups.js';
import { EXIT } from '../cli/exit-codes.js';
import { jsonFlag } from '../cli/flags.js';
import { checkOutputFlags, csvFlag, reportFlag, thresholdFlag } from '../cli/report-flags.js';
import { UserError } from '../errors.js';
import { evaluateCompareGate, parsePointsTolerance, parseRelativeTolerance, renderCompareGate } from '../gate/compare-gate.js';
import { anyFailed, evaluateThresholds, renderThresholds } from '../gate/evaluate.js';
import { parseThresholds } from '../gate/threshold.js';
import { writeReport } from '../report/build-report.js';
import { describeMismatches } from '../report/compare-match.js';
import { compareData, renderComparison } from '../report/compare.js';
import { writeCsvFiles } from '../report/csv/csv.js';
import { compareCsv } from '../report/csv/csv-tables.js';
import { readReportInput } from '../report/sources/report-input.js';
import { runFigures } from '../report/sources/run-view.js';

export default class Compare extends Command {
  static override summary = 'Print a prediction next to a measured run, with the relative error of each metric';
  static override description =
    'PREDICTION is the output of `capsim predict --json`, RUN the summary.json of `capsim validate` (or its directory). Prints error rate ' +
    '(with the difference in percentage points), P50, P95 and P99 of successful operations, operations, throughput ' +
    '(successful operations per second) and per-operation mean latencies: predicted, measured, (predicted - measured) / measured. ' +
    'A prediction whose sizing, scenario or load differs from what the run states is refused (exit 2, naming the fields) unless --force. ' +
    '--max-relative-error and --max-error-points make it a gate, --threshold checks the measured figures: exit 99 when one fails.';
  static override examples = [
    '<%= config.bin %> predict --instance custom --vcpus 1 --memory-gb 4 --tasks 2 --workers 2 --calibration calibration/mine.json --json > b.json',
    '<%= config.bin %> compare b.json runs/b/summary.json',
    '<%= config.bin %> compare b.json runs/b --max-relative-error 25% --max-error-points 2 --report compare.html',
  ];
  static override args = {
    prediction: Args.string({ description: 'capsim predict --json output', required: true }),
    run: Args.string({ description: 'capsim validate summary.json, or the run directory', required: true }),
  };
  static override flags = grouped({
    force: Flags.boolean({ description: 'compare even when the prediction\'s sizing, scenario or load differs from the run\'s', default: false }),
    'max-relative-error': Flags.custom<number>({ description: 'fail (exit 99) when |relative error| of a metric other than the error rate exceeds this (25% or 0.25)', parse: async (raw) => parseRelativeTolerance(raw) })(),
    'max-error-points': Flags.custom<number>({ description: 'fail (exit 99) when the error rates differ by more than this many percentage points', parse: async (raw) => parsePointsTolerance(raw) })(),
    threshold: thresholdFlag,
    report: reportFlag,
    csv: csvFlag,
    json: jsonFlag,
  });

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Compare);
    checkOutputFlags(flags);
    const thresholds = parseThresholds(flags.threshold);
    const prediction = await readReportInput(args.prediction);
    if (prediction.kind !== 'prediction') throw new UserError(`${args.prediction}: not a capsim predict --json output (it is a ${prediction.kind} file)`);
    const run = await readReportInput(args.run, { operations: flags.report !== undefined });
    if (run.kind !== 'run') throw new UserError(`${args.run}: not a run summary (no "error_rate" and "total_requests" fields; give validate's summary.json or its directory)`);
    const comparison = compareData(prediction.data, args.prediction, run.summary, run.file);
    if (comparison.mismatches.length > 0) {
      // validate records the index it read: a prediction of the run's index is `predict --repository-from RUN/summary.json`.
      const index = comparison.mismatches.some((m) => m.field.startsWith('repository.')) ? ` (the run read its index: predict with --repository-from ${run.file})` : '';
      if (!flags.force) throw new UserError(`the prediction does not describe this run (predict for the run's sizing and load, or pass --force): ${describeMismatches(comparison.mismatches)}${index}`);
      process.stderr.write(`capsim: comparing anyway (--force): ${describeMismatches(comparison.mismatches)}\n`);
    }
    const gate = evaluateCompareGate(comparison.metrics, { maxRelativeError: flags['max-relative-error'], maxErrorPoints: flags['max-error-points'] });
    const results = thresholds.length > 0 ? evaluateThresholds(thresholds, runFigures(run.summary)) : null;
    const match = { mismatches: comparison.mismatches, unchecked: comparison.unchecked };
    if (flags.report) {
      await writeReport(flags.report, {
        inputs: [prediction, run],
        comparison: { comparison, prediction: prediction.data, run: run.summary, operations: run.operations, match, gate, thresholds: results ?? undefined },
      });
    }
    if (flags.csv) writeCsvFiles(flags.csv, compareCsv(comparison, prediction.data, run.summary));
    if (flags.json) {
      this.log(JSON.stringify({ ...comparison, ...(gate.length > 0 ? { gate } : {}), ...(results ? { thresholds: results } : {}) }, null, 2));
    } else {
      this.log(renderComparison(comparison));
      if (gate.length > 0) this.log(renderCompareGate(gate));
      if (results) this.log(renderThresholds(results, 'measured'));
    }
    if (gate.some((g) => !g.ok) || (results && anyFailed(results))) this.exit(EXIT.thresholdFailed);
  }
}
