import { grouped } from '../cli/flag-groups.js';
import { Command, Flags } from '@oclif/core';
import { checkStackKind, DEFAULT_CALIBRATION, loadCalibration } from '../calibrate/calibration-file.js';
import { EXIT } from '../cli/exit-codes.js';
import { autoscalingArgs, autoscalingFlagRules, planAutoscalingFlags, planAutoscalingLayers } from '../cli/autoscaling-flags.js';
import { rejectInapplicable } from '../cli/applicable-flags.js';
import { jsonFlag, progressFlag, parseDecimal, parseWholeNumber, replicationsFlag, seedFlag } from '../cli/flags.js';
import { checkOutputFlags, commandLine, reportFlag } from '../cli/report-flags.js';
import { writeFileAtomic } from '../output/output-path.js';
import { ALGORITHM_CHOICES, albAlgorithm, scenarioOverrideFlags, STICKINESS_CHOICES, type StickinessChoice } from '../cli/sizing-flags.js';
import { renamedFrom } from '../cli/renamed-flags.js';
import { UserError } from '../errors.js';
import type { Algorithm } from '../model/balancer/config.js';
import { WORKER_CLASSES, type WorkerClass } from '../model/gunicorn.js';
import { DEFAULT_INSTANCE_TYPES, DEFAULT_MAX_INSTANCES, DEFAULT_WORKERS, PLACEMENT_GRIDS, type PlacementGrid } from '../plan/grid.js';
import { runPlan } from '../plan/plan.js';
import { planTfvars, reproduceCommand } from '../plan/plan-tfvars.js';
import { tfvarsFormatFor } from '../plan/tfvars.js';
import { defaultThreads, threadsFor } from '../plan/pool.js';
import { planProgressDetail } from '../plan/progress.js';
import { startProgress } from '../cli/progress.js';
import { parseErrorRate } from '../plan/slo.js';
import { writeReport } from '../report/build-report.js';
import { writeCsvFiles } from '../report/csv/csv.js';
import { planCsv } from '../report/csv/csv-tables.js';
import { renderPlan } from '../report/plan-report.js';
import { applyOverrides, loadScenario } from '../scenario/load.js';
import { scaleLoad } from '../scenario/scale.js';
import type { CookieScope, FlowName } from '../scenario/types.js';
import { applySetFlags } from '../cli/set-flags.js';
import { choiceList, splitList, wholeList } from '../cli/list-flags.js';

export default class Plan extends Command {
  static override summary = 'Find the cheapest sizing that meets an error-rate and P95 objective, and write it as Terraform variables';
  static override description =
    'Predicts every sizing of a grid (instance types x instance counts x tasks x gunicorn workers, placed with the ' +
    "terraform-aws-pypiserver module's formula) under a scenario with its burst scaled by --headroom, using common random " +
    'numbers. Candidates that clearly miss the SLO after a few replications are dropped (racing); survivors get the full ' +
    'count. Prints the recommendation, the Pareto frontier of cost vs P95 and why the cheaper candidates fail. ' +
    'With autoscaling (on by default, as the module deploys it; each candidate gets the module bounds for its sizing) a ' +
    'candidate is priced at the mean instance count it needed over the scenario, and its peak is reported. ' +
    `Exit ${EXIT.noSizingMeetsSlo} when no candidate meets the SLO.`;
  static override examples = [
    '<%= config.bin %> plan --scenario production-incident --slo-error-rate 0.001 --slo-p95-ms 15000',
    '<%= config.bin %> plan --slo-error-rate 0.1% --slo-p95-ms 10000 --headroom 1.5 --instance t3.small,c6a.xlarge --tfvars sizing.auto.tfvars.json',
  ];
  static override flags = grouped({
    scenario: Flags.string({ description: 'scenario name (NAME.json in ./scenarios, $CAPSIM_HOME/scenarios or shipped) or path', default: 'production-incident' }),
    ...scenarioOverrideFlags,
    ...planAutoscalingFlags,
    'slo-error-rate': Flags.custom<number>({
      description: 'largest acceptable error rate, a fraction (0.001) or a percentage (0.1%)',
      required: true,
      parse: async (raw) => parseErrorRate(raw),
    })(),
    'slo-p95-ms': Flags.custom<number>({
      description: 'largest acceptable P95 of successful operations, ms',
      required: true,
      parse: async (raw) => parseDecimal('slo-p95-ms', raw),
    })(),
    headroom: Flags.custom<number>({
      description: 'the SLO must hold with the burst (or arrival rate) scaled by this factor, 1 to 100, e.g. 1.5',
      default: 1,
      parse: async (raw) => parseDecimal('headroom', raw, -Infinity, 100),
    })(),
    instance: Flags.custom<string[]>({
      description: `EC2 instance types from models/instances.json to try, comma-separated (predict's --instance, swept) [default: ${DEFAULT_INSTANCE_TYPES.join(',')}]`,
      parse: async (raw) => splitList('instance', raw),
      ...renamedFrom('instance-types'),
    })(),
    'max-instances': Flags.custom<number>({
      description: 'most EC2 instances a candidate may use',
      default: DEFAULT_MAX_INSTANCES,
      parse: async (raw) => parseWholeNumber('max-instances', raw, 1, 100),
    })(),
    workers: Flags.custom<number[]>({
      description: `comma-separated gunicorn workers per task [default: ${DEFAULT_WORKERS.join(',')}]`,
      parse: wholeList('workers', 1, 256),
    })(),
    'worker-class': Flags.custom<WorkerClass[]>({
      description: 'comma-separated gunicorn worker classes (gevent, sync) [default: gevent]',
      parse: choiceList<WorkerClass>('worker-class', WORKER_CLASSES),
    })(),
    algorithm: Flags.custom<Algorithm[]>({
      description: `routing algorithms to try, comma-separated (${ALGORITHM_CHOICES.join(', ')}; least_conn is nginx's, not the ALB's, so the AWS grid refuses it) [default: round_robin]`,
      parse: async (raw) => (await choiceList('algorithm', ALGORITHM_CHOICES)(raw)).map((a) => albAlgorithm(a)),
      ...renamedFrom('algorithms'),
    })(),
    stickiness: Flags.custom<StickinessChoice[]>({
      description: 'comma-separated target-group stickiness to try (on, off) [default: as deployed, on (alb.stickiness)]',
      parse: choiceList<StickinessChoice>('stickiness', STICKINESS_CHOICES),
    })(),
    'container-memory': Flags.custom<number[]>({
      description: 'comma-separated container_memory values, MiB [default: 512]',
      parse: wholeList('container-memory', 6, 1_000_000),
    })(),
    placements: Flags.string({
      description: 'task counts per instance count: "fewest" (each task count on the fewest instances that place it) or "all" (every count, no idle instance)',
      options: [...PLACEMENT_GRIDS],
      default: 'fewest',
    }),
    calibration: Flags.string({ description: 'calibration name (NAME.json in ./calibration, $CAPSIM_HOME/calibration or shipped) or path', default: DEFAULT_CALIBRATION }),
    force: Flags.boolean({ description: 'use a calibration fitted on the local stack for the AWS grid anyway', default: false }),
    set: Flags.string({ description: 'override a model parameter, NAME=VALUE (repeatable; see models/parameters.json)', multiple: true }),
    replications: replicationsFlag(5)(),
    seed: seedFlag(),
    threads: Flags.custom<number>({
      description: 'worker threads, at most the machine\'s cores (results are identical whatever the count) [default: available CPUs]',
      parse: async (raw) => parseWholeNumber('threads', raw, 1, 1024),
    })(),
    racing: Flags.boolean({ description: 'drop candidates that clearly miss the SLO early (--no-racing: full count for all)', default: true, allowNo: true }),
    tfvars: Flags.string({ description: 'write the recommendation as terraform-aws-pypiserver variables to this file: JSON for a *.tfvars.json name (e.g. sizing.auto.tfvars.json), HCL otherwise' }),
    progress: progressFlag,
    verbose: Flags.boolean({ description: 'with the recommendation, print the grid, prices, the Pareto frontier, the cheaper candidates and why each fails', default: false }),
    report: reportFlag,
    csv: Flags.string({ description: 'write every candidate (sizing, cost, error rate, P95 with intervals, SLO status, Pareto, why it misses) to DIR/candidates.csv' }),
    json: jsonFlag,
  });

  async run(): Promise<void> {
    const { flags } = await this.parse(Plan);
    // A plan takes minutes: a --tfvars, --report or --csv that cannot be written is said now, not after it.
    checkOutputFlags(flags);
    const overrides = {
      flow: flags.flow as FlowName | undefined,
      burstSize: flags['burst-size'],
      baseline: flags.baseline,
      durationSeconds: flags.duration,
      timeoutSeconds: flags['timeout-s'],
      cookies: flags.cookies as CookieScope | undefined,
    };
    const slo = { errorRate: flags['slo-error-rate'], p95Ms: flags['slo-p95-ms'] };
    const scenario = applyOverrides(loadScenario(flags.scenario), overrides);
    const calibration = loadCalibration(flags.calibration);
    checkStackKind(calibration, 'aws', '(the plan grid of catalog instance types)', flags.force);
    rejectInapplicable(autoscalingFlagRules(flags, calibration, 'aws', planAutoscalingFlags));
    const params = applySetFlags(calibration.params, flags.set ?? []);
    const threads = threadsFor(flags.threads ?? defaultThreads());
    if (flags.threads !== undefined && threads < flags.threads) {
      process.stderr.write(`capsim: --threads ${flags.threads} lowered to ${threads}, this machine's cores (more threads only cost memory; results are the same on any count)\n`);
    }
    const progress = startProgress({ label: 'plan', enabled: process.stderr.isTTY === true || flags.progress });
    const { result, timing } = await runPlan({
      scenario,
      headroom: flags.headroom,
      slo,
      params,
      calibration: calibration.file.name,
      grid: {
        instanceTypes: flags.instance ?? DEFAULT_INSTANCE_TYPES,
        maxInstances: flags['max-instances'],
        workers: flags.workers ?? DEFAULT_WORKERS,
        workerClasses: flags['worker-class'] ?? ['gevent'],
        algorithms: flags.algorithm ?? ['round_robin'],
        containerMemoryMb: flags['container-memory'] ?? [512],
        placements: flags.placements as PlacementGrid,
        ...(flags.stickiness ? { stickiness: flags.stickiness.map((c) => c === 'on') } : {}),
      },
      replications: flags.replications,
      seed: flags.seed,
      threads,
      racing: flags.racing ? undefined : false,
      onProgress: (p) => progress.update(p.candidatesDone, p.candidates, planProgressDetail(p)),
      autoscaling: planAutoscalingLayers(calibration, flags),
    });
    progress.stop();

    const rec = result.analysis.recommendation;
    let reproduce: string | undefined;
    if (rec) {
      const planned = scaleLoad(scenario, flags.headroom);
      const args = [`--scenario ${flags.scenario}`];
      if (overrides.flow) args.push(`--flow ${overrides.flow}`);
      if (overrides.baseline !== undefined) args.push(`--baseline ${overrides.baseline}`);
      if (overrides.durationSeconds !== undefined) args.push(`--duration ${overrides.durationSeconds}`);
      if (overrides.timeoutSeconds !== undefined) args.push(`--timeout-s ${overrides.timeoutSeconds}`);
      if (overrides.cookies !== undefined) args.push(`--cookies ${overrides.cookies}`);
      args.push(...autoscalingArgs(flags));
      if (planned.profile.executor === 'burst-iterations' && (flags.headroom !== 1 || overrides.burstSize !== undefined)) {
        args.push(`--burst-size ${planned.profile.burstInstalls}`);
      }
      reproduce = reproduceCommand(result, rec, args);
      if (flags.headroom !== 1 && planned.profile.executor !== 'burst-iterations') {
        reproduce += ` (predict has no flag for a scaled ${planned.profile.executor} load: this reproduces the scenario's own load)`;
      }
    }
    let tfvarsPath: string | undefined;
    if (flags.tfvars) {
      const text = planTfvars(result, reproduce ?? '', tfvarsFormatFor(flags.tfvars));
      if (text === null) {
        process.stderr.write(`capsim: no candidate meets the SLO: ${flags.tfvars} not written\n`);
      } else {
        writeFileAtomic(flags.tfvars, text, '--tfvars');
        tfvarsPath = flags.tfvars;
      }
    }
    const planData = { ...result, reproduce: reproduce ?? null, tfvars: tfvarsPath ?? null };
    if (flags.report) await writeReport(flags.report, { inputs: [{ kind: 'plan', file: commandLine(this.id, this.argv), data: planData }] });
    if (flags.csv) writeCsvFiles(flags.csv, planCsv(planData));
    if (flags.json) this.log(JSON.stringify(planData, null, 2));
    else this.log(renderPlan(result, { reproduce, tfvarsPath, timing, verbose: flags.verbose }));
    if (!rec) this.exit(EXIT.noSizingMeetsSlo);
  }
}
