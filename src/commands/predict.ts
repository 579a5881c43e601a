import { Command, Flags } from '@oclif/core';
import { grouped } from '../cli/flag-groups.js';
import { checkStackKind, defaultCalibrationFor, loadCalibration, DEFAULT_CALIBRATION, LOCAL_CALIBRATION } from '../calibrate/calibration-file.js';
import { autoscalingFlagRules, autoscalingFlags, autoscalingLayers } from '../cli/autoscaling-flags.js';
import { EXIT } from '../cli/exit-codes.js';
import { startProgress } from '../cli/progress.js';
import { jsonFlag, progressFlag, parseWholeNumber, replicationsFlag, seedFlag } from '../cli/flags.js';
import { checkOutputFlags, commandLine, csvFlag, reportFlag, thresholdFlag } from '../cli/report-flags.js';
import { rejectInapplicable } from '../cli/applicable-flags.js';
import { UserError } from '../errors.js';
import { scenarioOverrideFlags, sizingFlags, stickinessOf } from '../cli/sizing-flags.js';
import { anyFailed, evaluateThresholds, renderThresholds } from '../gate/evaluate.js';
import { parseThresholds } from '../gate/threshold.js';
import { withOverrides } from '../model/parameters.js';
import { applySetFlags } from '../cli/set-flags.js';
import { predict } from '../prediction/predict.js';
import { idleInstances, resolveSizing } from '../model/sizing.js';
import { autoscalingFor } from '../model/stack.js';
import type { Algorithm } from '../model/balancer/config.js';
import type { WorkerClass } from '../model/gunicorn.js';
import { writeReport } from '../report/build-report.js';
import { writeCsvFiles } from '../report/csv/csv.js';
import { predictionCsv } from '../report/csv/csv-tables.js';
import { renderPrediction } from '../report/predict-report.js';
import { predictionFigures, predictionTimeline } from '../report/sources/prediction-view.js';
import { renderTimelineText } from '../report/timeline-text.js';
import { applyOverrides, loadScenario, MAX_REQUIREMENTS } from '../scenario/load.js';
import { repositoryFromRun } from '../scenario/repository-from.js';
import type { CookieScope, FlowName } from '../scenario/types.js';

export default class Predict extends Command {
  static override summary = 'Predict error rate, P95 and cost of a sizing under a CI burst';
  static override description =
    'Simulates the stack (ALB, ECS tasks on EC2 instances, gunicorn workers, CPU, memory, page cache, EFS) under a ' +
    'traffic scenario and prints error rate and latency percentiles with 95 % intervals over replications, the ' +
    'failure breakdown, per-instance peaks and the monthly cost; with autoscaling (on by default for AWS sizings, as the ' +
    'module deploys it) also when and how the service and its instances scaled.';
  static override examples = [
    '<%= config.bin %> predict --instance c6a.xlarge --tasks 12 --workers 4',
    '<%= config.bin %> predict --instance t3.small --instances 2 --tasks 6 --workers 1 --json',
    '<%= config.bin %> predict --algorithm least_outstanding_requests --lor-feedback-ms 500 --scenario pip-burst',
    '<%= config.bin %> predict --scenario sustained-growth --replications 3',
    '<%= config.bin %> predict --scenario ci-day --scale-metric requests --scale-target 1000 --max-tasks 36 --json',
    '<%= config.bin %> predict --stickiness off',
    '<%= config.bin %> predict --cookies per-install',
    "<%= config.bin %> predict --instance c6a.xlarge --tasks 12 --workers 4 --report r.html --threshold 'p95<15000' --threshold 'error_rate<0.1%'",
  ];
  static override flags = grouped({
    ...sizingFlags,
    scenario: Flags.string({ description: 'scenario name (NAME.json in ./scenarios, $CAPSIM_HOME/scenarios or shipped) or path', default: 'production-incident' }),
    ...scenarioOverrideFlags,
    requirements: Flags.custom<number>({ description: 'projects one install fetches one after another (pip install -r), default the scenario\'s (1)', parse: async (raw) => parseWholeNumber('requirements', raw, 1, MAX_REQUIREMENTS) })(),
    'repository-from': Flags.string({ description: 'model the index a validate run read: RUN/summary.json (its projects, file count, files per page, sizes) instead of the scenario\'s repository' }),
    ...autoscalingFlags,
    routing: Flags.string({ description: 'ALB routing granularity: every request on its own, or all requests of a keep-alive connection to one target (nginx on the local stack routes every request)', options: ['per-request', 'per-connection'] }),
    calibration: Flags.string({ description: `calibration name (NAME.json in ./calibration, $CAPSIM_HOME/calibration or shipped) or path (default ${DEFAULT_CALIBRATION}; ${LOCAL_CALIBRATION} for --instance custom)` }),
    force: Flags.boolean({ description: 'use a calibration whose stack kind (aws or local) differs from the sizing\'s', default: false }),
    'allow-idle-instances': Flags.boolean({ description: 'predict (and price) a sizing with more instances than its tasks occupy', default: false }),
    set: Flags.string({ description: 'override a model parameter, NAME=VALUE (repeatable; see models/parameters.json)', multiple: true }),
    replications: replicationsFlag(10)(),
    seed: seedFlag(),
    progress: progressFlag,
    timeline: Flags.boolean({ description: 'show the timeline (requests, responses, errors) of the first replication: per 10 s in the text output, per second in --json', default: false }),
    threshold: thresholdFlag,
    report: reportFlag,
    csv: csvFlag,
    json: jsonFlag,
  });

  async run(): Promise<void> {
    const { flags } = await this.parse(Predict);
    checkOutputFlags(flags);
    const custom = flags.instance === 'custom';
    const lor = flags.algorithm === 'least_outstanding_requests';
    rejectInapplicable([
      { flag: '--vcpus', given: flags.vcpus !== undefined, applies: custom, because: `it describes --instance custom; ${flags.instance} has its vCPUs in models/instances.json` },
      { flag: '--memory-gb', given: flags['memory-gb'] !== undefined, applies: custom, because: `it describes --instance custom; ${flags.instance} has its memory in models/instances.json` },
      {
        flag: '--lor-feedback-ms',
        given: flags['lor-feedback-ms'] !== undefined,
        applies: lor,
        because: flags.algorithm === 'least_conn' ? 'least_conn is nginx\'s least outstanding requests, counted with 0 ms feedback (use --algorithm least_outstanding_requests for a delay)' : `it is the feedback delay of --algorithm least_outstanding_requests, not ${flags.algorithm}`,
      },
      { flag: '--routing', given: flags.routing !== undefined, applies: !custom, because: 'on --instance custom nginx routes every request on its own (test/stack), there is no ALB to pin connections' },
    ]);
    const thresholds = parseThresholds(flags.threshold);
    const loaded = applyOverrides(loadScenario(flags.scenario), {
      flow: flags.flow as FlowName | undefined,
      burstSize: flags['burst-size'],
      baseline: flags.baseline,
      durationSeconds: flags.duration,
      timeoutSeconds: flags['timeout-s'],
      requirements: flags.requirements,
      cookies: flags.cookies as CookieScope | undefined,
    });
    const scenario = flags['repository-from'] ? { ...loaded, repository: repositoryFromRun(flags['repository-from']) } : loaded;
    const sizing = resolveSizing({
      instance: flags.instance,
      vcpus: flags.vcpus,
      memoryGiB: flags['memory-gb'],
      instances: flags.instances,
      tasks: flags.tasks,
      workers: flags.workers,
      workerClass: flags['worker-class'] as WorkerClass,
      algorithm: flags.algorithm as Algorithm | 'least_conn',
      lorFeedbackMs: flags['lor-feedback-ms'],
      containerMemoryMb: flags['container-memory'],
      stickiness: stickinessOf(flags.stickiness),
    });
    const idle = idleInstances(sizing);
    if (idle && !flags['allow-idle-instances']) throw new UserError(`${idle.message}: give --instances ${idle.used} or fewer, or --allow-idle-instances`);
    const calibration = loadCalibration(flags.calibration ?? defaultCalibrationFor(sizing.stackKind));
    let params = applySetFlags(calibration.params, flags.set ?? []);
    if (flags.routing) params = withOverrides(params, { 'alb.perConnectionRouting': flags.routing === 'per-connection' ? 1 : 0 }, '--routing');
    checkStackKind(calibration, sizing.stackKind, flags.instance === 'custom' ? `custom (${flags.vcpus} vCPUs, ${flags['memory-gb']} GiB)` : flags.instance, flags.force);
    rejectInapplicable(autoscalingFlagRules(flags, calibration, sizing.stackKind));
    const autoscaling = autoscalingFor(sizing, autoscalingLayers(calibration, flags));
    const progress = startProgress({ label: 'predict', enabled: process.stderr.isTTY === true || flags.progress });
    const prediction = predict({
      autoscaling,
      sizing,
      scenario,
      params,
      calibration: calibration.file.name,
      replications: flags.replications,
      seed: flags.seed,
      // The report's and the CSV's timeline chart / file need it.
      timeline: flags.timeline || flags.report !== undefined || flags.csv !== undefined,
      onReplication: (done, total) => progress.update(done, total, 'replications'),
    });
    progress.stop();
    const results = thresholds.length > 0 ? evaluateThresholds(thresholds, predictionFigures(prediction)) : null;
    if (flags.report) await writeReport(flags.report, { inputs: [{ kind: 'prediction', file: commandLine(this.id, this.argv), data: prediction }], thresholds: results ? new Map([[0, results]]) : undefined });
    if (flags.csv) writeCsvFiles(flags.csv, predictionCsv(prediction));
    if (flags.json) {
      this.log(JSON.stringify(results ? { ...prediction, thresholds: results } : prediction, null, 2));
    } else {
      this.log(renderPrediction(prediction));
      const timeline = flags.timeline ? predictionTimeline(prediction) : null;
      if (timeline) this.log(`\n${renderTimelineText(timeline, 'replication 1')}`);
      if (results) this.log(`\n${renderThresholds(results, `means over ${prediction.replications} replications`)}`);
    }
    if (results && anyFailed(results)) this.exit(EXIT.thresholdFailed);
  }
}
