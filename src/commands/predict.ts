import { Command, Flags } from '@oclif/core';
import { checkStackKind, loadCalibration, DEFAULT_CALIBRATION, LOCAL_CALIBRATION } from '../calibrate/calibration-file.js';
import { jsonFlag, replicationsFlag, seedFlag } from '../cli/flags.js';
import { scenarioOverrideFlags, sizingFlags } from '../cli/sizing-flags.js';
import { withOverrides } from '../model/parameters.js';
import { applySetFlags } from '../cli/set-flags.js';
import { predict } from '../prediction/predict.js';
import { resolveSizing } from '../model/sizing.js';
import type { Algorithm } from '../model/balancer/config.js';
import type { WorkerClass } from '../model/gunicorn.js';
import { renderPrediction } from '../report/predict-report.js';
import { applyOverrides, loadScenario } from '../scenario/load.js';
import type { FlowName } from '../scenario/types.js';

export default class Predict extends Command {
  static override summary = 'Predict error rate, P95 and cost of a sizing under a CI burst';
  static override description =
    'Simulates the stack (ALB, ECS tasks on EC2 instances, gunicorn workers, CPU, memory, page cache, EFS) under a ' +
    'traffic scenario and prints error rate and latency percentiles with 95 % intervals over replications, the ' +
    'failure breakdown, per-instance peaks and the monthly cost.';
  static override examples = [
    '<%= config.bin %> predict --instance c6a.xlarge --tasks 12 --workers 4',
    '<%= config.bin %> predict --instance t3.small --instances 2 --tasks 6 --workers 1 --json',
    '<%= config.bin %> predict --algorithm least_outstanding_requests --lor-feedback-ms 500 --scenario pip-burst',
  ];
  static override flags = {
    ...sizingFlags,
    scenario: Flags.string({ description: 'scenario name (scenarios/NAME.json) or path', default: 'production-incident' }),
    ...scenarioOverrideFlags,
    routing: Flags.string({ description: 'ALB routing granularity: every request on its own, or all requests of a keep-alive connection to one target (nginx on the local stack routes every request)', options: ['per-request', 'per-connection'] }),
    calibration: Flags.string({ description: `calibration name (calibration/NAME.json) or path (default ${DEFAULT_CALIBRATION}; ${LOCAL_CALIBRATION} for --instance custom)` }),
    force: Flags.boolean({ description: 'use a calibration whose stack kind (aws or local) differs from the sizing\'s', default: false }),
    set: Flags.string({ description: 'override a model parameter, NAME=VALUE (repeatable; see models/parameters.json)', multiple: true }),
    replications: replicationsFlag(10)(),
    seed: seedFlag(),
    timeline: Flags.boolean({ description: 'include the per-second timeline (requests, responses, errors) of the first replication', default: false }),
    json: jsonFlag,
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Predict);
    const scenario = applyOverrides(loadScenario(flags.scenario), {
      flow: flags.flow as FlowName | undefined,
      burstSize: flags['burst-size'],
      baseline: flags.baseline,
      durationSeconds: flags.duration,
      timeoutSeconds: flags['timeout-s'],
    });
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
    });
    const calibration = loadCalibration(flags.calibration ?? (sizing.stackKind === 'local' ? LOCAL_CALIBRATION : DEFAULT_CALIBRATION));
    let params = applySetFlags(calibration.params, flags.set ?? []);
    if (flags.routing) params = withOverrides(params, { 'alb.perConnectionRouting': flags.routing === 'per-connection' ? 1 : 0 }, '--routing');
    checkStackKind(calibration, sizing.stackKind, flags.instance === 'custom' ? `custom (${flags.vcpus} vCPUs, ${flags['memory-gb']} GiB)` : flags.instance, flags.force);
    const prediction = predict({
      sizing,
      scenario,
      params,
      calibration: calibration.file.name,
      replications: flags.replications,
      seed: flags.seed,
      timeline: flags.timeline,
    });
    if (flags.json) this.log(JSON.stringify(prediction, null, 2));
    else this.log(renderPrediction(prediction));
  }
}
