import { Command, Flags } from '@oclif/core';
import { grouped } from '../cli/flag-groups.js';
import { EXIT } from '../cli/exit-codes.js';
import { jsonFlag, parseDecimal, parseWholeNumber, seedFlag } from '../cli/flags.js';
import { checkOutputFlags, csvFlag, reportFlag, thresholdFlag } from '../cli/report-flags.js';
import { rejectInapplicable } from '../cli/applicable-flags.js';
import { OutputDirectory } from '../output/output-directory.js';
import { UserError } from '../errors.js';
import { anyFailed, renderThresholds } from '../gate/evaluate.js';
import { parseThresholds } from '../gate/threshold.js';
import { LocalDiagnostics } from '../live/diagnostics/local.js';
import type { DiagnosticsCollector } from '../live/diagnostics/types.js';
import { renderPlan } from '../live/plan.js';
import { dryRunPlan, prepareTarget, runValidation } from '../live/run-validation.js';
import { DEFAULT_LOCUST_PYTHON } from '../live/locust/cluster.js';
import { checkLocustChoice, locustfileFor, type EngineChoice, type LocustChoice } from '../live/locust/run-locust.js';
import { completeSizing, declaredSizing } from '../live/sizing.js';
import type { AwsRunOptions } from '../live/run-validation.js';
import { parseProjectPick, parseProjectsFlag, parseRequirementsFlag } from '../live/project-selection.js';
import { writeReport } from '../report/build-report.js';
import { writeCsvFiles } from '../report/csv/csv.js';
import { runCsv } from '../report/csv/csv-tables.js';
import { readReportInput } from '../report/sources/report-input.js';
import { runTimeline } from '../report/sources/run-view.js';
import { renderTimelineText } from '../report/timeline-text.js';
import { applyOverrides, loadScenario } from '../scenario/load.js';
import { FLOW_NAMES, type FlowName } from '../scenario/flows.js';
import { COOKIE_SCOPES, type CookieScope } from '../scenario/types.js';
import { ALGORITHM_CHOICES, STICKINESS_CHOICES } from '../cli/sizing-flags.js';
import { renamedFrom } from '../cli/renamed-flags.js';
import { WORKER_CLASSES } from '../model/gunicorn.js';

/** "0.05" or "5%" -> 0.05 */
function parseRate(raw: string): number {
  const text = raw.trim();
  if (text.endsWith('%')) return parseDecimal('max-error-rate', text.slice(0, -1), 0, 100) / 100;
  return parseDecimal('max-error-rate', text, 0, 1);
}

function defaultOutDir(): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
  return `validate-${stamp}`;
}

export default class Validate extends Command {
  static override summary = 'Send a real pip burst to a deployed stack and record what it does';
  static override description =
    'Reads the index\'s own projects first (GET /simple/, PEP 691 JSON or PEP 503 HTML, and each project\'s page), then ' +
    'runs a scenario (the same files as predict) against --url with the exact requests and headers of the chosen flow, ' +
    'streams every HTTP request to DIR/requests.ndjson, and writes DIR/summary.json (the seed tool\'s keys plus ' +
    'sizing, per-upstream share, timeline, diagnostics) and DIR/summary.md. Diagnostics (vmstat, free, mpstat, ' +
    'docker stats) are collected during each burst through SSM (--asg-name) or on this machine (--diagnostics local). ' +
    'A non-loopback target needs --yes. Ctrl-C or --max-error-rate stop the run and still write the summary, ' +
    'marked interrupted (exit 130 and 3). --threshold checks the final figures (exit 99 when one fails); with --abort-on-fail ' +
    'a threshold that fails during the run stops it at once, keeping what was measured (exit 99). Credentials never reach a file or the screen.';
  static override examples = [
    '<%= config.bin %> validate --url http://127.0.0.1:8080/ --scenario pip-burst --burst-size 60 --duration 5 --diagnostics local',
    '<%= config.bin %> validate --url https://pypi.internal.example/ --yes --username ci --asg-name pypi-asg --region eu-west-1 --max-error-rate 10%',
    '<%= config.bin %> validate --url https://pypi.internal.example/ --dry-run',
    "<%= config.bin %> validate --url http://127.0.0.1:8080/ --scenario pip-burst --threshold 'p95<15000' --threshold 'error_rate<1%' --abort-on-fail --report run.html",
    '<%= config.bin %> validate --url http://127.0.0.1:8080/ --scenario local-burst --engine locust --locust-workers 2',
    '<%= config.bin %> validate --url https://pypi.internal.example/ --yes --engine locust --locust-expect-workers 8 (workers elsewhere: locust -f FILE --worker --master-host THIS_HOST, FILE from --print-locustfile)',
  ];
  static override flags = grouped({
    url: Flags.string({ description: 'server root of the package index (pypiserver root, not .../simple/)', required: true }),
    scenario: Flags.string({ description: 'scenario name (NAME.json in ./scenarios, $CAPSIM_HOME/scenarios or shipped) or path', default: 'production-incident' }),
    flow: Flags.string({ description: 'override the scenario flow', options: [...FLOW_NAMES] }),
    'burst-size': Flags.string({ description: 'override the installs of a burst iteration' }),
    baseline: Flags.string({ description: 'override the installs of an ordinary iteration' }),
    duration: Flags.string({ description: 'override the run duration, seconds (no iteration starts after it)' }),
    'timeout-s': Flags.string({ description: 'override the client timeout, seconds' }),
    cookies: Flags.string({ description: 'override who shares a cookie jar: shared (one for the run, like the seed tool\'s requests.Session), per-install (one per install, like pip), none', options: [...COOKIE_SCOPES] }),
    username: Flags.string({ description: 'user for HTTP basic auth (also taken from the URL)' }),
    password: Flags.string({ description: 'password for HTTP basic auth (prefer the CAPSIM_PASSWORD variable)', env: 'CAPSIM_PASSWORD' }),
    projects: Flags.string({ description: 'projects to install: a,b,c or @FILE (one name a line, # comments); default: every project the index lists on /simple/' }),
    requirements: Flags.string({ description: 'projects one install fetches one after another, like pip install -r: a number N (N different projects each install, picked like single ones) or a requirements file (its projects, in order)' }),
    'project-pick': Flags.string({ description: 'how each install picks a project: uniform, or weighted by its file count', options: ['uniform', 'weighted'] }),
    'out-dir': Flags.string({ description: 'output directory for requests.ndjson, summary.json and summary.md: new or empty (default ./validate-<time>); held with a lock file while the run writes it', ...renamedFrom('out') }),
    force: Flags.boolean({ description: 'replace the results of an earlier run in --out-dir (without it a directory that holds anything is refused)', default: false }),
    'max-error-rate': Flags.string({ description: 'abort once failures / operations exceeds this (0.1 or 10%)' }),
    threshold: thresholdFlag,
    'abort-on-fail': Flags.boolean({ description: 'stop the run as soon as a --threshold fails on the figures so far (after 20 operations), keeping what was measured', default: false }),
    timeline: Flags.boolean({ description: 'print the timeline (requests, responses, errors per 10 s) after the run', default: false }),
    report: reportFlag,
    csv: csvFlag,
    yes: Flags.boolean({ description: 'confirm sending load to a target that is not loopback', default: false }),
    'dry-run': Flags.boolean({ description: 'print the request plan and totals, send nothing', default: false }),
    diagnostics: Flags.string({ description: 'collect diagnostics during bursts: local (this machine), ssm (needs --asg-name) or none', options: ['local', 'ssm', 'none'] }),
    'asg-name': Flags.string({ description: 'Auto Scaling group whose instances run the diagnostics through SSM' }),
    'target-group-arn': Flags.string({ description: 'ALB target group: per burst, the health of every target and the group\'s attributes (Elastic Load Balancing v2)' }),
    cluster: Flags.string({ description: 'ECS cluster of --service' }),
    service: Flags.string({ description: 'ECS service: per burst, desired / running / pending tasks and each task\'s instance; over the whole run, its counts and its autoscaling alarms\' states (CloudWatch), then its scaling activities and CPU; before the run, the sizing it runs at (instance type and count, tasks, GUNICORN_WORKERS, container memory and CPU, algorithm, stickiness)' }),
    region: Flags.string({ description: 'AWS region of the Auto Scaling group (default AWS_REGION)' }),
    profile: Flags.string({ description: 'AWS profile (~/.aws/config) for the SSM, ELB, ECS, EC2, CloudWatch and Application Auto Scaling clients (default: the SDK\'s usual chain: environment, AWS_PROFILE, ~/.aws, SSO, roles)' }),
    'scaling-sample-s': Flags.custom<number>({
      description: "with --service: seconds between samples of the service's desired / running / pending counts and its target tracking alarms' states, over the whole run (default 15)",
      parse: async (raw) => parseDecimal('scaling-sample-s', raw, 1, 3600),
    })(),
    'diagnostics-s': Flags.string({ description: 'sampling window of vmstat and mpstat, seconds', default: '5', ...renamedFrom('diagnostics-seconds') }),
    seed: seedFlag(),
    instance: Flags.string({ description: 'declared: EC2 instance type of the stack, or custom (a machine of your own) with --vcpus and --memory-gb (recorded in the summary)' }),
    vcpus: Flags.string({ description: 'declared: vCPUs of a custom instance (the cores the servers are pinned to)' }),
    'memory-gb': Flags.string({ description: 'declared: memory (GiB) of a custom instance' }),
    'lor-feedback-ms': Flags.string({ description: 'declared: least outstanding requests feedback delay, ms' }),
    instances: Flags.string({ description: 'declared: number of instances' }),
    tasks: Flags.string({ description: 'declared: number of ECS tasks' }),
    workers: Flags.string({ description: 'declared: gunicorn workers per task (a number or auto)' }),
    'worker-class': Flags.string({ description: 'declared: gunicorn worker class', options: [...WORKER_CLASSES] }),
    'container-memory': Flags.string({ description: 'declared: container memory of a task, MiB' }),
    algorithm: Flags.string({ description: 'declared: routing algorithm (least_conn = nginx\'s: recorded as least outstanding requests with 0 ms feedback)', options: [...ALGORITHM_CHOICES] }),
    stickiness: Flags.string({ description: 'declared: target-group stickiness of the stack (on, off; the local stack\'s sticky mode is on)', options: [...STICKINESS_CHOICES] }),
    engine: Flags.string({ description: 'where the installs run: native (this process) or locust (a Locust master and its workers)', options: ['native', 'locust'], default: 'native' }),
    'locust-workers': Flags.string({ description: 'with --engine locust: workers started on this host (default: one per core; 0 with --locust-expect-workers)' }),
    'locust-expect-workers': Flags.string({ description: 'with --engine locust: also wait for this many workers started elsewhere with the file --print-locustfile writes' }),
    'locust-master-bind': Flags.string({ description: 'with --engine locust: the interface the master listens on for workers (default 127.0.0.1; every interface with --locust-expect-workers)' }),
    'locust-master-port': Flags.string({ description: 'with --engine locust: the master\'s port for workers (default a free one; 5557 with --locust-expect-workers)' }),
    'locust-wait-s': Flags.string({ description: 'with --engine locust: how long to wait for every worker, seconds', default: '60' }),
    'locust-python': Flags.string({ description: 'with --engine locust: the Python interpreter that has Locust', default: DEFAULT_LOCUST_PYTHON }),
    'print-locustfile': Flags.boolean({ description: 'with --engine locust: print the run\'s locustfile (for workers on other hosts) and send nothing', default: false }),
    json: jsonFlag,
  });

  async run(): Promise<void> {
    const { flags } = await this.parse(Validate);
    const dryRun = flags['dry-run'];
    const diagnosticsMode = flags.diagnostics ?? (flags['asg-name'] ? 'ssm' : 'none');
    const aws = flags['target-group-arn'] !== undefined || flags.service !== undefined || flags.cluster !== undefined;
    const sends = 'a --dry-run sends nothing and writes nothing';
    rejectInapplicable([
      ...(['out-dir', 'force', 'report', 'csv', 'threshold', 'abort-on-fail', 'max-error-rate', 'timeline', 'diagnostics', 'asg-name', 'target-group-arn', 'cluster', 'service'] as const).map((name) => ({
        flag: `--${name}`,
        given: flags[name] !== undefined && flags[name] !== false,
        applies: !dryRun,
        because: sends,
      })),
      { flag: '--asg-name', given: flags['asg-name'] !== undefined, applies: diagnosticsMode === 'ssm', because: `it names the instances of --diagnostics ssm, not ${diagnosticsMode}` },
      { flag: '--diagnostics-s', given: flags['diagnostics-s'] !== '5', applies: diagnosticsMode !== 'none', because: 'no diagnostics are collected (give --diagnostics local or ssm)' },
      { flag: '--scaling-sample-s', given: flags['scaling-sample-s'] !== undefined, applies: flags.service !== undefined, because: 'it samples the ECS service of --cluster/--service, and none is given' },
      { flag: '--region', given: flags.region !== undefined, applies: diagnosticsMode === 'ssm' || aws, because: 'it is the AWS region of --diagnostics ssm, --target-group-arn or --cluster/--service' },
    ]);
    checkOutputFlags(flags);
    const outDir = flags['out-dir'] ?? defaultOutDir();
    if (!dryRun) OutputDirectory.check(outDir, { flag: '--out-dir', existing: 'refuse', force: flags.force });
    const declared = declaredSizing({
      instance: flags.instance,
      instances: flags.instances,
      tasks: flags.tasks,
      workers: flags.workers,
      workerClass: flags['worker-class'],
      algorithm: flags.algorithm,
      vcpus: flags.vcpus,
      memoryGiB: flags['memory-gb'],
      lorFeedbackMs: flags['lor-feedback-ms'],
      containerMemoryMb: flags['container-memory'],
      stickiness: flags.stickiness,
    });
    const requirements = flags.requirements !== undefined ? parseRequirementsFlag(flags.requirements) : undefined;
    if (requirements && 'names' in requirements && flags.projects !== undefined) throw new UserError('--projects and a --requirements file both name the projects: give one of them');
    const scenario = applyOverrides(loadScenario(flags.scenario), {
      flow: flags.flow as FlowName | undefined,
      requirements: requirements ? ('count' in requirements ? requirements.count : requirements.names.length) : undefined,
      burstSize: flags['burst-size'] !== undefined ? parseWholeNumber('burst-size', flags['burst-size'], 0) : undefined,
      baseline: flags.baseline !== undefined ? parseWholeNumber('baseline', flags.baseline, 0) : undefined,
      durationSeconds: flags.duration !== undefined ? parseDecimal('duration', flags.duration, 0) : undefined,
      timeoutSeconds: flags['timeout-s'] !== undefined ? parseDecimal('timeout-s', flags['timeout-s'], 0) : undefined,
      cookies: flags.cookies as CookieScope | undefined,
    });
    const maxErrorRate = flags['max-error-rate'] !== undefined ? parseRate(flags['max-error-rate']) : undefined;
    const projects = requirements && 'names' in requirements ? requirements.names : flags.projects !== undefined ? parseProjectsFlag(flags.projects) : undefined;
    const requirementsInOrder = requirements !== undefined && 'names' in requirements;
    const projectPick = parseProjectPick(flags['project-pick']);
    const thresholds = parseThresholds(flags.threshold);
    if (flags['abort-on-fail'] && thresholds.length === 0) throw new UserError('--abort-on-fail needs at least one --threshold');
    const common = { url: flags.url, username: flags.username, password: flags.password, scenario, projects };
    const engine = engineChoice(flags);
    if (flags['print-locustfile']) {
      if (engine.name !== 'locust') throw new UserError('--print-locustfile needs --engine locust');
      const target = prepareTarget(common);
      process.stdout.write(locustfileFor(scenario, target.display));
      return;
    }

    if (dryRun) {
      const plan = dryRunPlan(common);
      this.log(flags.json ? JSON.stringify({ dry_run: true, sizing: declared, plan }, null, 2) : renderPlan(plan));
      return;
    }

    const awsOptions = await awsRunOptions(flags);
    const sizing = awsOptions?.sizingFound ? completeSizing(declared, awsOptions.sizingFound, awsOptions.sizingSources) : declared;
    if (awsOptions?.sizingFound) {
      const found = Object.entries(awsOptions.sizingFound).map(([key, value]) => `${key} ${value}`).join(', ');
      process.stderr.write(`capsim: the ECS service ${flags.service} (cluster ${flags.cluster}) runs at: ${found || 'nothing readable'}\n`);
    }
    for (const error of awsOptions?.sizingErrors ?? []) process.stderr.write(`capsim: AWS diagnostics: ${error}; the run goes on without it\n`);
    const diagnostics = await this.diagnostics(flags);
    const controller = new AbortController();
    const hurry = new AbortController();
    let signals = 0;
    // 1st signal: stop gracefully; 2nd (as `timeout` sends): stop now, still writing every result file; 3rd: quit.
    const onSignal = () => {
      signals += 1;
      if (signals === 1) {
        process.stderr.write('\nstopping: waiting briefly for requests in flight, then writing the summary (Ctrl-C again to stop at once)\n');
        controller.abort();
      } else if (signals === 2) {
        process.stderr.write('stopping now: abandoning requests in flight, writing the summary (Ctrl-C a third time quits without it)\n');
        hurry.abort();
      } else process.exit(EXIT.interrupted);
    };
    // Anything thrown outside the run's own promise chain still ends in a summary marked interrupted.
    const onCrash = (error: unknown) => {
      const crash = new Error(error instanceof Error ? error.message : String(error));
      crash.name = 'CrashError';
      controller.abort(crash);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    process.on('uncaughtException', onCrash);
    process.on('unhandledRejection', onCrash);
    try {
      const result = await runValidation(
        { ...common, engine, projectPick, requirementsInOrder, aws: awsOptions, outDir, force: flags.force, maxErrorRate, thresholds, abortOnFail: flags['abort-on-fail'], yes: flags.yes, sizing, diagnostics, seed: flags.seed, progress: true },
        { signal: controller.signal, hurry: hurry.signal },
      );
      const s = result.summary;
      if (flags.report || flags.csv) {
        const written = await readReportInput(result.outDir);
        if (flags.report) await writeReport(flags.report, { inputs: [written] });
        if (flags.csv) writeCsvFiles(flags.csv, runCsv(s));
      }
      if (flags.json) {
        this.log(JSON.stringify({ out_dir: result.outDir, files: result.files, interrupted: result.interrupted, summary: s }, null, 2));
      } else {
        const p95 = s.latency_p95 === null ? '-' : `${Math.round(s.latency_p95)} ms`;
        this.log(
          `${s.total_requests} operations (${s.http_requests} HTTP requests), ${s.failed_requests} failed: error rate ${(100 * s.error_rate).toFixed(2)} %, P95 ${p95}, ${s.error_5xx_count} 5xx`,
        );
        const d = s.discovery;
        if (d) this.log(`index: ${d.listed_projects} projects listed (${d.format}), ${d.files}${d.files_estimated ? ' (estimated)' : ''} files, mean ${d.mean_file_bytes === null ? '-' : Math.round(d.mean_file_bytes)} bytes; installs picked ${d.pick} from ${d.candidates} project${d.candidates === 1 ? '' : 's'}`);
        const shares = Object.entries(s.upstream_share).map(([name, share]) => `${name} ${(100 * share.share).toFixed(1)} %`);
        if (shares.length > 0) this.log(`per upstream: ${shares.join(', ')}`);
        this.log(`results: ${result.files.summary}, ${result.files.markdown}, ${result.files.requests}`);
        const timeline = flags.timeline ? runTimeline(s) : null;
        if (timeline) this.log(`\n${renderTimelineText(timeline, 'measured')}`);
        if (s.thresholds) this.log(`\n${renderThresholds(s.thresholds, result.interrupted ? 'measured until the run stopped' : 'measured')}`);
      }
      if (result.interruptReason === 'signal') {
        process.stderr.write('capsim: interrupted; the summary is marked interrupted\n');
        this.exit(EXIT.interrupted);
      }
      if (result.interruptReason === 'threshold') {
        process.stderr.write(`capsim: aborted: ${s.interrupt_detail}; partial results in ${result.outDir}\n`);
        this.exit(EXIT.aborted);
      }
      if (result.interruptReason === 'abort-on-fail') {
        process.stderr.write(`capsim: aborted (--abort-on-fail): ${s.interrupt_detail}; partial results in ${result.outDir}\n`);
        this.exit(EXIT.thresholdFailed);
      }
      if (result.interruptReason === 'crash') {
        process.stderr.write(`capsim: internal error during the run: ${result.crash}; partial results in ${result.outDir}\n`);
        this.exit(EXIT.internal);
      }
      if (result.interruptReason === 'engine') {
        process.stderr.write(`capsim: the run stopped: ${s.interrupt_detail}; partial results in ${result.outDir}\n`);
        this.exit(EXIT.internal);
      }
      if (s.thresholds && anyFailed(s.thresholds)) this.exit(EXIT.thresholdFailed);
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      process.off('uncaughtException', onCrash);
      process.off('unhandledRejection', onCrash);
    }
  }

  private async diagnostics(flags: { diagnostics?: string; 'asg-name'?: string; region?: string; profile?: string; 'diagnostics-s': string }): Promise<DiagnosticsCollector | null> {
    const sampleSeconds = parseWholeNumber('diagnostics-s', flags['diagnostics-s'], 1, 300);
    const mode = flags.diagnostics ?? (flags['asg-name'] ? 'ssm' : 'none');
    if (mode === 'none') return null;
    if (mode === 'local') return new LocalDiagnostics({ sampleSeconds });
    const asgName = flags['asg-name'];
    if (!asgName) throw new UserError('--diagnostics ssm needs --asg-name NAME (the Auto Scaling group of the stack)');
    const region = flags.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
    if (!region) throw new UserError('--asg-name needs --region (or AWS_REGION) for Systems Manager');
    // The AWS SDK is loaded only when SSM diagnostics are asked for (it is slow to import).
    const { SsmDiagnostics } = await import('../live/diagnostics/ssm.js');
    return new SsmDiagnostics({ asgName, region, profile: flags.profile, sampleSeconds });
  }
}

/** --engine and the Locust flags (refused without --engine locust). */
function engineChoice(flags: {
  engine: string;
  'locust-workers'?: string;
  'locust-expect-workers'?: string;
  'locust-master-bind'?: string;
  'locust-master-port'?: string;
  'locust-wait-s': string;
  'locust-python': string;
}): EngineChoice {
  const locustOnly = ['locust-workers', 'locust-expect-workers', 'locust-master-bind', 'locust-master-port'] as const;
  if (flags.engine !== 'locust') {
    const given = locustOnly.find((name) => flags[name] !== undefined);
    if (given) throw new UserError(`--${given} needs --engine locust`);
    return { name: 'native' };
  }
  const choice: LocustChoice = {
    name: 'locust',
    python: flags['locust-python'],
    localWorkers: flags['locust-workers'] !== undefined ? parseWholeNumber('locust-workers', flags['locust-workers'], 0, 1000) : undefined,
    remoteWorkers: flags['locust-expect-workers'] !== undefined ? parseWholeNumber('locust-expect-workers', flags['locust-expect-workers'], 0, 1000) : undefined,
    bindHost: flags['locust-master-bind'],
    port: flags['locust-master-port'] !== undefined ? parseWholeNumber('locust-master-port', flags['locust-master-port'], 1, 65535) : undefined,
    connectTimeoutS: parseDecimal('locust-wait-s', flags['locust-wait-s'], 1, 3600),
  };
  checkLocustChoice(choice);
  return choice;
}

/** The AWS side of validate (--target-group-arn, --cluster/--service): the collector and the sizing read before the run. */
async function awsRunOptions(flags: { 'target-group-arn'?: string; cluster?: string; service?: string; region?: string; profile?: string; 'scaling-sample-s'?: number }): Promise<AwsRunOptions | null> {
  const { cluster, service } = flags;
  const targetGroupArn = flags['target-group-arn'];
  if ((cluster === undefined) !== (service === undefined)) throw new UserError('--cluster and --service go together (the ECS service and its cluster)');
  if (targetGroupArn === undefined && service === undefined) return null;
  if (targetGroupArn !== undefined && !/^arn:aws[\w-]*:elasticloadbalancing:[\w-]+:\d{12}:targetgroup\/[\w-]+\/[0-9a-f]+$/.test(targetGroupArn)) {
    throw new UserError(`--target-group-arn: expected arn:aws:elasticloadbalancing:REGION:ACCOUNT:targetgroup/NAME/ID, got "${targetGroupArn}"`);
  }
  const region = flags.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (!region) throw new UserError('--target-group-arn and --cluster/--service need --region (or AWS_REGION)');
  // The AWS SDK is loaded only when AWS diagnostics are asked for (it is slow to import).
  const { AwsStateCollector } = await import('../live/diagnostics/aws-state.js');
  const collector = new AwsStateCollector({ region, profile: flags.profile, targetGroupArn, cluster, service });
  const read = collector.hasService ? await collector.sizing() : { found: null, sources: {}, errors: [] };
  let scaling = null;
  if (cluster !== undefined && service !== undefined) {
    const { ScalingWatcher } = await import('../live/diagnostics/scaling-watch.js');
    scaling = new ScalingWatcher({ region, profile: flags.profile, cluster, service, intervalMs: (flags['scaling-sample-s'] ?? 15) * 1000 });
  }
  return { collector, scaling, region, cluster, service, sizingFound: read.found, sizingSources: read.sources, sizingErrors: read.errors };
}
