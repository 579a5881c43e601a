import { Command, Flags } from '@oclif/core';
import { grouped } from '../cli/flag-groups.js';
import { prepareCalibration, runCalibration } from '../calibrate/calibrate.js';
import { DEFAULT_CALIBRATION, LOCAL_CALIBRATION } from '../calibrate/calibration-file.js';
import { describeProgress } from '../calibrate/progress.js';
import { startProgress } from '../cli/progress.js';
import { parseAssignments, parseBounds, parseFitList, partialSizingOf, sizingFlagsWithoutDefaults } from '../cli/calibrate-flags.js';
import { jsonFlag, progressFlag, parseWholeNumber, seedFlag } from '../cli/flags.js';
import { scenarioOverrideFlags } from '../cli/sizing-flags.js';
import { renderCalibration } from '../report/calibrate-report.js';
import type { FlowName } from '../scenario/types.js';

export default class Calibrate extends Command {
  static override summary = 'Fit model parameters to measured runs and write a calibration file';
  static override description =
    'Reads run summaries (capsim validate summary.json, or the seed stress tool\'s JSON summary with a sidecar ' +
    'RUN.sizing.json or sizing flags), simulates each run\'s sizing and scenario, and fits the --fit parameters by ' +
    'Nelder-Mead on a weighted sum of squared log-ratio errors of error rate, P50/P95/P99, throughput, per-operation ' +
    'mean latency and instance CPU/memory (common random numbers: the same seed and replications at every step). ' +
    'Reports observed vs predicted per run, which metrics each parameter moves (identifiability), and, with three or ' +
    'more runs, leave-one-out prediction errors. Sizing and scenario flags fill in what a run file does not say; ' +
    'they may not contradict it.';
  static override examples = [
    '<%= config.bin %> calibrate --run runs/local-2w/summary.json --run runs/local-4w/summary.json --fit service.walkCpuPerFileMs,storage.localMetadataLatencyMs --out calibration/local-stack.json',
    '<%= config.bin %> calibrate --run seed-run.json --instance t3.small --instances 2 --tasks 6 --workers 1 --scenario production-incident --fit service.walkCpuPerFileMs --json',
  ];
  static override flags = grouped({
    run: Flags.string({ description: 'run file: a capsim validate summary.json or a seed-tool JSON summary (repeatable)', multiple: true, required: true }),
    fit: Flags.string({ description: 'parameters to fit, PARAM[,PARAM...] (see models/parameters.json)', multiple: true, required: true }),
    out: Flags.string({ description: 'write the calibration file here (calibration/NAME.json); without it nothing is written' }),
    force: Flags.boolean({ description: 'replace an existing --out file', default: false }),
    calibration: Flags.string({ description: `calibration the fit starts from (name or path) [default: the one predict uses for the runs' stack kind: ${DEFAULT_CALIBRATION} for AWS, ${LOCAL_CALIBRATION} for a custom machine]` }),
    set: Flags.string({ description: 'fix a parameter (and a fitted one\'s start), NAME=VALUE (repeatable)', multiple: true }),
    bounds: Flags.string({ description: 'search range of a fitted parameter, NAME=LO:HI (default: start/20 .. start*20, or the rule\'s range for fractions)', multiple: true }),
    weight: Flags.string({ description: 'loss weight of a metric, METRIC=W (errorRate, p50Ms, p95Ms, p99Ms, throughputOpsPerSecond, perOperationMeanMs, cpuUtilPeak, iowaitPeak, memAvailableMinMb; 0 = leave out)', multiple: true }),
    replications: Flags.custom<number>({
      description: 'replications of each run at every evaluation (common random numbers: the same seed and replication streams every time)',
      default: 3,
      parse: async (raw) => parseWholeNumber('replications', raw, 1, 1000),
    })(),
    seed: seedFlag(),
    'max-evaluations': Flags.custom<number>({ description: 'stop the fit after this many model evaluations (each = runs x replications simulations)', default: 200, parse: async (raw) => parseWholeNumber('max-evaluations', raw, 1, 100000) })(),
    'leave-one-out': Flags.boolean({ description: 'with 3 or more runs, refit without each run and report its prediction error', default: true, allowNo: true }),
    description: Flags.string({ description: 'description recorded in the calibration file' }),
    progress: progressFlag,
    scenario: Flags.string({ description: 'scenario of runs that do not name one (seed-tool summaries without a sidecar)' }),
    ...sizingFlagsWithoutDefaults,
    ...scenarioOverrideFlags,
    json: jsonFlag,
  });

  async run(): Promise<void> {
    const { flags } = await this.parse(Calibrate);
    const prepared = prepareCalibration({
      runFiles: flags.run,
      defaults: {
        sizing: partialSizingOf(flags as Record<string, unknown>),
        scenario: flags.scenario,
        overrides: {
          flow: flags.flow as FlowName | undefined,
          burstSize: flags['burst-size'],
          baseline: flags.baseline,
          durationSeconds: flags.duration,
          timeoutSeconds: flags['timeout-s'],
        },
      },
      fit: parseFitList(flags.fit),
      bounds: parseBounds(flags.bounds ?? []),
      sets: parseAssignments('--set', flags.set ?? []),
      weights: parseAssignments('--weight', flags.weight ?? []),
      baseCalibration: flags.calibration,
      replications: flags.replications,
      seed: flags.seed,
      maxEvaluations: flags['max-evaluations'],
      leaveOneOut: flags['leave-one-out'],
      out: flags.out,
      force: flags.force,
      description: flags.description,
    });
    const progress = startProgress({ label: '', enabled: flags.progress || process.stderr.isTTY === true });
    let report;
    try {
      report = runCalibration(prepared, (p) => progress.update(p.evaluation, 0, describeProgress(p)));
    } finally {
      progress.stop();
    }
    if (flags.json) this.log(JSON.stringify(report, null, 2));
    else this.log(renderCalibration(report));
  }
}
