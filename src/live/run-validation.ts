/**
 * `capsim validate` as a library: checks the target, sends the scenario's
 * load, streams every request to DIR/requests.ndjson, collects diagnostics
 * during bursts without blocking the load, and always writes DIR/summary.json
 * and DIR/summary.md, marked interrupted when the run was stopped by the
 * caller's signal, by the --max-error-rate threshold, by a --threshold
 * crossed under --abort-on-fail, or by a crash. Thresholds are checked on
 * the final figures and recorded in the summary.
 */
import { setMaxListeners } from 'node:events';
import { performance } from 'node:perf_hooks';
import seedrandom from 'seedrandom';
import { evaluateThresholds, type ThresholdResult } from '../gate/evaluate.js';
import type { Threshold } from '../gate/threshold.js';
import { formatValue } from '../report/figures.js';
import { runFigures } from '../report/sources/run-view.js';
import type { Scenario } from '../scenario/types.js';
import { basicAuthorization, clientHeaders } from './client-headers.js';
import { DEFAULT_CALIBRATION, LOCAL_CALIBRATION, loadCalibration } from '../calibrate/calibration-file.js';
import { expectedServerOpsPerRequest } from '../model/nfs-per-request.js';
import { buildAwsSection } from './aws-summary.js';
import { runCookieJars } from './cookie-jar.js';
import type { AwsBurstState, AwsStateCollector, FoundSizing } from './diagnostics/aws-state.js';
import type { ScalingWatch, ScalingWatcher } from './diagnostics/scaling-watch.js';
import type { DiagnosticsCollection, DiagnosticsCollector, DiagnosticsTrigger } from './diagnostics/types.js';
import { emptyLoadResult, nativeEngine, runLoad, type InstallEngine } from './generator.js';
import type { LocustEngine } from './locust/locust-engine.js';
import { checkLocustChoice, checkSharedJars, LocustRun, scenarioAsSentByWorkers, type EngineChoice } from './locust/run-locust.js';
import { capsimVersion } from '../package-root.js';
import type { OperationRecord, RequestRecord } from './install.js';
import { discoverRepository, discoveredRepository, discoveryRecord, type DiscoveryRecord } from './discovery.js';
import { FLOWS } from '../scenario/flows.js';
import { planValidation, type RequestPlan } from './plan.js';
import { ProjectPicker } from './project-picker.js';
import type { ProjectPick } from './project-selection.js';
import { isBurstIteration } from '../scenario/schedule.js';
import { ProgressLine } from './progress.js';
import { RequestRecorder } from './recorder.js';
import { Redactor, redactUrl } from './redact.js';
import { buildSummary, SummaryAccumulator, type EngineSummary, type InterruptReason, type ValidationSummary } from './summary.js';
import { renderSummaryMarkdown } from './summary-markdown.js';
import type { DeclaredSizing } from './sizing.js';
import { guardTarget, parseTarget, probeTarget } from './url-guard.js';
import { UserError } from '../errors.js';
import { OutputDirectory } from '../output/output-directory.js';

export interface ValidationOptions {
  /** Target server root (the pypiserver root); userinfo is accepted and never recorded. */
  url: string;
  /** The resolved scenario (overrides applied). */
  scenario: Scenario;
  username?: string;
  password?: string;
  /** Output directory: created, or an empty one; held with a lock file for the run. */
  outDir: string;
  /** Replace the results of an earlier run in outDir (otherwise a directory that holds anything is refused). */
  force?: boolean;
  /** Stop the run once failures / operations exceeds this fraction. */
  maxErrorRate?: number;
  /** Operations needed before the threshold is evaluated (default 20). */
  abortMinOperations?: number;
  /** k6-style thresholds, checked on the final figures (and during the run with abortOnFail). */
  thresholds?: Threshold[];
  /** Stop the run as soon as a threshold fails on the figures so far (checked at most every 250 ms, after abortMinOperations). */
  abortOnFail?: boolean;
  /** Confirmation for a non-loopback target. */
  yes?: boolean;
  sizing?: DeclaredSizing;
  diagnostics?: DiagnosticsCollector | null;
  /** AWS state per burst (target health, target group, service, tasks) and the sizing read before the run. */
  aws?: AwsRunOptions | null;
  /** Projects to install (`--projects`, normalized); default: every project the index lists. */
  projects?: string[];
  /** How installs pick among the projects (default uniform). */
  projectPick?: ProjectPick;
  /** Every install fetches all of `projects`, in their order (a requirements file), instead of picking. */
  requirementsInOrder?: boolean;
  /** Seed of the package picks (default 1). */
  seed?: number;
  /** After a stop signal, how long in-flight requests may finish, ms (default 2000). */
  graceMs?: number;
  probeTimeoutMs?: number;
  /** Show the live progress line on stderr (default true). */
  progress?: boolean;
  /** Where one-line notices go (default stderr); lines are already free of credentials. */
  log?: (line: string) => void;
  /** Test hook: called with every completed operation (an exception here is a crash). */
  onOperation?: (record: OperationRecord) => void;
  /** Where the installs run: this process (default), or Locust's master and workers. */
  engine?: EngineChoice;
}

export interface AwsRunOptions {
  collector: Pick<AwsStateCollector, 'collect' | 'targetGroupArnInUse'>;
  /** With --cluster/--service: the service's counts and its autoscaling alarms sampled over the whole run. */
  scaling?: Pick<ScalingWatcher, 'start' | 'stop'> | null;
  region: string;
  cluster?: string;
  service?: string;
  sizingFound: FoundSizing | null;
  sizingSources: Record<string, string>;
  sizingErrors: string[];
}

export interface ValidationResult {
  summary: ValidationSummary;
  outDir: string;
  files: { requests: string; summary: string; markdown: string };
  interrupted: boolean;
  interruptReason: InterruptReason | null;
  /** The crash, when interruptReason is "crash" (message already redacted). */
  crash?: string;
}

export interface PreparedTarget {
  url: URL;
  display: string;
  username?: string;
  password?: string;
  redactor: Redactor;
}

/** Parses the URL and gathers credentials (flags win over URL userinfo); nothing is sent. */
export function prepareTarget(options: Pick<ValidationOptions, 'url' | 'username' | 'password'>): PreparedTarget {
  const target = parseTarget(options.url);
  const username = options.username ?? target.username;
  const password = options.password ?? target.password;
  if (password !== undefined && username === undefined) throw new UserError('a password was given without a user name: pass --username (or put user:password@ in --url)');
  const redactor = new Redactor([password, target.password], username);
  return { url: target.url, display: redactUrl(target.url), username, password, redactor };
}

/** The --dry-run plan. */
export function dryRunPlan(options: Pick<ValidationOptions, 'url' | 'username' | 'password' | 'scenario' | 'projects'>): RequestPlan {
  const target = prepareTarget(options);
  return planValidation(options.scenario, target.display, target.password !== undefined && target.username !== undefined, options.projects?.[0]);
}

/**
 * `signal` stops the run gracefully (in-flight requests get graceMs, diagnostics
 * too); `hurry` (a second Ctrl-C) stops it now: requests in flight are
 * abandoned, diagnostics not waited for, and every result file still written.
 */
export async function runValidation(options: ValidationOptions, control: { signal?: AbortSignal; hurry?: AbortSignal } = {}): Promise<ValidationResult> {
  const target = prepareTarget(options);
  guardTarget(target.url, options.yes ?? false);
  // Before anything is sent: the directory is ours (an earlier run's results are never touched) or nothing runs.
  const output = OutputDirectory.claim(options.outDir, { flag: '--out-dir', existing: 'refuse', force: options.force });
  try {
    return await validateInto(output, target, options, control);
  } finally {
    output.release();
  }
}

async function validateInto(output: OutputDirectory, target: PreparedTarget, options: ValidationOptions, control: { signal?: AbortSignal; hurry?: AbortSignal }): Promise<ValidationResult> {
  const { redactor } = target;
  const log = (line: string) => (options.log ?? ((text: string) => process.stderr.write(`${text}\n`)))(redactor.redact(line));
  // Locust's master and workers start while the index is read (they send nothing before the load); a machine
  // without Locust stops the run before any load.
  const locustChoice = options.engine?.name === 'locust' ? options.engine : null;
  if (locustChoice) {
    const { localWorkers, remoteWorkers } = checkLocustChoice(locustChoice);
    checkSharedJars(options.scenario, localWorkers + remoteWorkers);
  }
  const cancelLocust = new AbortController();
  const onCancel = () => cancelLocust.abort();
  control.signal?.addEventListener('abort', onCancel, { once: true });
  const locustStarting = locustChoice
    ? LocustRun.start({
        choice: locustChoice,
        scenario: options.scenario,
        url: target.url,
        display: target.display,
        username: target.username,
        password: target.password,
        redact: (text) => redactor.redact(text),
        signal: control.signal?.aborted ? AbortSignal.abort() : cancelLocust.signal,
      })
    : null;
  locustStarting?.catch(() => undefined);

  let discovery: Awaited<ReturnType<typeof discoverRepository>>;
  let scenario: Scenario;
  let requirements: number;
  let picker: ProjectPicker;
  const projectPick = options.projectPick ?? 'uniform';
  try {
    await probeTarget(target.url, options.probeTimeoutMs ?? 5000);
    // What the index really holds, before any load (a missing project or an empty index stops here).
    const headers = clientHeaders(FLOWS[options.scenario.flow].client);
    const authorization = target.username !== undefined && target.password !== undefined ? basicAuthorization(target.username, target.password) : undefined;
    discovery = await discoverRepository({
      base: target.url,
      indexHeaders: clientHeaders('pip').index,
      fileHeaders: headers.file,
      authorization,
      timeoutMs: options.scenario.client.timeoutSeconds * 1000,
      named: options.projects,
    });
    for (const notice of discovery.notices) log(notice);
    scenario = { ...options.scenario, repository: discoveredRepository(discovery, projectPick, options.scenario.repository) };
    requirements = options.requirementsInOrder ? discovery.candidates.length : (scenario.requirements ?? 1);
    if (requirements > discovery.candidates.length) {
      throw new UserError(`--requirements ${requirements}: an install fetches that many different projects, and the index offers ${discovery.candidates.length}`);
    }
    picker = new ProjectPicker(discovery.candidates, projectPick, scenario.repository.versionPick, seedrandom(`${options.seed ?? 1}/packages`));
  } catch (error) {
    cancelLocust.abort();
    await locustStarting?.then((run) => run.finish(null), () => undefined);
    throw error;
  } finally {
    control.signal?.removeEventListener('abort', onCancel);
  }
  // The master and every worker ready, their clocks tied to ours, before the run's clock starts.
  const locustRun = locustStarting ? await locustStarting : null;

  const outDir = output.path;
  const files = { requests: output.file('requests.ndjson'), summary: output.file('summary.json'), markdown: output.file('summary.md') };
  let recorder: RequestRecorder;
  try {
    recorder = new RequestRecorder(files.requests, redactor);
  } catch (error) {
    await locustRun?.finish(null);
    throw error;
  }

  const stop = new AbortController();
  const hard = new AbortController();
  // Every in-flight request and backoff listens on these (510 at a burst).
  setMaxListeners(0, stop.signal, hard.signal);
  let interruptReason: InterruptReason | null = null;
  let interruptDetail: string | null = null;
  let crash: string | undefined;
  const graceMs = options.graceMs ?? 2000;
  let graceTimer: NodeJS.Timeout | undefined;
  const interrupt = (reason: InterruptReason, detail: string, immediate: boolean) => {
    if (interruptReason === null) {
      interruptReason = reason;
      interruptDetail = detail;
    }
    stop.abort();
    if (immediate) hard.abort();
    else if (!graceTimer) graceTimer = setTimeout(() => hard.abort(), graceMs);
  };
  /** An abort whose reason is an Error named "CrashError" (e.g. an uncaught exception in the CLI) is a crash. */
  const onSignal = () => {
    const reason = control.signal?.reason as Error | undefined;
    if (reason instanceof Error && reason.name === 'CrashError') {
      crash = redactor.redact(reason.message);
      interrupt('crash', crash, true);
    } else interrupt('signal', 'stopped by the user', false);
  };
  if (control.signal?.aborted) onSignal();
  control.signal?.addEventListener('abort', onSignal, { once: true });
  const onHurry = () => interrupt('signal', 'stopped by the user', true);
  if (control.hurry?.aborted) onHurry();
  control.hurry?.addEventListener('abort', onHurry, { once: true });

  const runStartPerf = performance.now();
  const wallOffsetMs = Date.now() - runStartPerf;
  const startMs = wallOffsetMs + runStartPerf;
  const profile = options.scenario.profile;
  const isBurst = (iteration: number | null) => iteration !== null && profile.executor === 'burst-iterations' && isBurstIteration(profile, iteration);
  const accumulator = new SummaryAccumulator(runStartPerf, wallOffsetMs, isBurst);
  const progress = options.progress === false ? null : new ProgressLine(accumulator, runStartPerf);
  const maxErrorRate = options.maxErrorRate ?? null;
  const minOperations = options.abortMinOperations ?? 20;

  const diagnostics: DiagnosticsCollection[] = [];
  const pendingDiagnostics: Array<Promise<void>> = [];
  const collector = options.diagnostics ?? null;
  const abandonDiagnostics = new AbortController();
  const startDiagnostics = (trigger: DiagnosticsTrigger) => {
    if (!collector) return;
    const startedAt = new Date().toISOString();
    // Deferred to the next tick so a burst's dispatch never waits for it.
    const job = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => collector.collect(trigger, abandonDiagnostics.signal))
      .catch((error: unknown): DiagnosticsCollection => ({
        source: collector.source,
        trigger,
        startedAt,
        finishedAt: new Date().toISOString(),
        hosts: [],
        errors: [`diagnostics crashed: ${redactor.redact((error as Error)?.message ?? String(error))}`],
      }))
      .then((collection) => {
        diagnostics.push(collection);
        const problems = [...collection.errors, ...collection.hosts.flatMap((host) => host.errors.map((e) => `${host.host}: ${e}`))];
        if (problems.length > 0) (progress ? progress.message.bind(progress) : log)(`diagnostics (${trigger.label}): ${problems.join('; ')}`);
      });
    pendingDiagnostics.push(job);
  };

  // AWS's own view of each burst, beside the host figures; each problem is said once and never stops the run.
  const awsStates: AwsBurstState[] = [];
  const said = new Set<string>(options.aws?.sizingErrors ?? []);
  const startAws = (trigger: DiagnosticsTrigger) => {
    const aws = options.aws;
    if (!aws) return;
    const job = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => aws.collector.collect(trigger))
      .catch((error: unknown): AwsBurstState => {
        const at = new Date().toISOString();
        return { trigger, startedAt: at, finishedAt: at, targetHealth: null, targetGroup: null, service: null, tasks: null, errors: [`crashed: ${redactor.redact((error as Error)?.message ?? String(error))}`] };
      })
      .then((state) => {
        awsStates.push(state);
        for (const error of state.errors) {
          if (said.has(error)) continue;
          said.add(error);
          (progress ? progress.message.bind(progress) : log)(`AWS diagnostics: ${error}; the run goes on without it`);
        }
      });
    pendingDiagnostics.push(job);
  };

  const onRequest = (record: RequestRecord) => {
    recorder.write(record);
    accumulator.addRequest(record);
  };
  // The summary the run would write now, for thresholds checked during the run.
  // The model's NFS operations per request for this flow and index, beside what the hosts' counters measured
  // (worked out once, when the first host reports NFS counters).
  const storage = options.sizing?.storage ?? (options.sizing?.instance === 'custom' ? 'local' : 'efs');
  const calibrationName = storage === 'local' ? LOCAL_CALIBRATION : DEFAULT_CALIBRATION;
  let nfsPrediction: { perRequest: number; calibration: string } | null = null;
  const nfsPredictionNow = () => {
    if (nfsPrediction === null && diagnostics.some((c) => c.hosts.some((h) => (h.parsed.nfs ?? []).length > 0))) {
      nfsPrediction = { perRequest: expectedServerOpsPerRequest(scenario.flow, scenario.repository, storage, loadCalibration(calibrationName).params), calibration: calibrationName };
    }
    return nfsPrediction;
  };
  let locustEngine: LocustEngine | null = null;
  const engineSummary = (installsByKind: readonly number[]): EngineSummary => {
    const engine = locustEngine?.describe() ?? { name: 'native' as const, version: capsimVersion(), workers: 1 };
    return { ...engine, cookies: runCookieJars(scenario, engine.name, engine.workers, installsByKind) };
  };
  const summaryNow = (load: Parameters<typeof buildSummary>[0]['load'], endMs: number, abortedInFlight: number): ValidationSummary =>
    buildSummary({
      profile: options.scenario.name,
      target: target.display,
      engine: engineSummary(load?.installsByKind ?? []),
      startMs,
      endMs,
      accumulator,
      load,
      sizing: options.sizing ?? {},
      scenario: locustEngine ? scenarioAsSentByWorkers(scenario, locustEngine.describe().workers) : scenario,
      discovery: discoveryRecord(discovery, projectPick),
      diagnostics: [...diagnostics].sort((a, b) => a.trigger.atSeconds - b.trigger.atSeconds),
      nfsPrediction: nfsPredictionNow(),
      aws: options.aws
        ? buildAwsSection({
            region: options.aws.region,
            targetGroupArn: options.aws.collector.targetGroupArnInUse,
            cluster: options.aws.cluster,
            service: options.aws.service,
            sizingFound: options.aws.sizingFound,
            sizingSources: options.aws.sizingSources,
            sizingErrors: options.aws.sizingErrors,
            states: awsStates,
            diagnostics,
            scaling: scalingWatch,
          })
        : null,
      maxErrorRate,
      interruptReason,
      interruptDetail,
      abortedInFlightInstalls: abortedInFlight,
    });
  const thresholds = options.thresholds ?? [];
  let lastThresholdCheck = -Infinity;
  const checkThresholdsLive = () => {
    const now = performance.now();
    if (now - lastThresholdCheck < 250 || accumulator.operations < minOperations) return;
    lastThresholdCheck = now;
    const failed = evaluateThresholds(thresholds, runFigures(summaryNow(null, wallOffsetMs + now, 0))).find((r) => !r.ok);
    if (failed) {
      const value = failed.value === null ? (failed.note ?? 'not measured') : `${failed.metric} = ${formatValue(failed.unit, failed.value)}`;
      interrupt('abort-on-fail', `threshold ${failed.threshold} failed (${value} after ${accumulator.operations} operations)`, true);
    }
  };
  const onOperation = (record: OperationRecord) => {
    accumulator.addOperation(record);
    if (options.abortOnFail && thresholds.length > 0) checkThresholdsLive();
    if (record.ok) progress?.noteSuccess(record.latencyMs);
    options.onOperation?.(record);
    if (maxErrorRate !== null && accumulator.operations >= minOperations) {
      const rate = accumulator.failures / accumulator.operations;
      if (rate > maxErrorRate) {
        interrupt(
          'threshold',
          `error rate ${(100 * rate).toFixed(1)} % exceeded --max-error-rate ${(100 * maxErrorRate).toFixed(1)} % after ${accumulator.operations} operations`,
          true,
        );
      }
    }
  };

  const engineOptions = { scenario, stopSignal: stop.signal, hardSignal: hard.signal, runStartPerf, wallOffsetMs, onRequest, onOperation };
  let engine: InstallEngine;
  if (locustRun) {
    locustEngine = locustRun.engine({ ...engineOptions, base: target.url, onFailure: (message) => interrupt('engine', redactor.redact(message), true) });
    engine = locustEngine;
  } else engine = nativeEngine({ ...engineOptions, base: target.url, username: target.username, password: target.password });

  progress?.start();
  const load = emptyLoadResult();
  // What the service's autoscaling did, sampled from the first request to the last (null until the run is over).
  let scalingWatch: ScalingWatch | null = null;
  options.aws?.scaling?.start(startMs, (error) => {
    if (said.has(error)) return;
    said.add(error);
    (progress ? progress.message.bind(progress) : log)(`AWS diagnostics: ${error}; the run goes on without it`);
  });
  try {
    await runLoad(
      {
        scenario,
        engine,
        pickInstall: () => picker.install(requirements, options.requirementsInOrder),
        kindDraws: seedrandom(`${options.seed ?? 1}/flows`),
        stopSignal: stop.signal,
        runStartPerf,
        onBurst: (trigger) => {
          startDiagnostics(trigger);
          startAws(trigger);
        },
      },
      load,
    );
  } catch (error) {
    crash = redactor.redact((error as Error)?.message ?? String(error));
    interrupt('crash', crash, true);
  } finally {
    clearTimeout(graceTimer);
    control.signal?.removeEventListener('abort', onSignal);
    control.hurry?.removeEventListener('abort', onHurry);
    progress?.stop();
  }
  const endMs = wallOffsetMs + performance.now();
  if (locustRun) {
    locustEngine?.detach();
    await locustRun.finish(output);
  }

  // Diagnostics have their own timeouts; after an interruption wait only briefly.
  if (pendingDiagnostics.length > 0) {
    const all = Promise.all(pendingDiagnostics);
    if (interruptReason === null) await all;
    else {
      const patience = control.hurry?.aborted ? 0 : graceMs;
      await Promise.race([all, new Promise((resolve) => setTimeout(resolve, patience))]);
      abandonDiagnostics.abort();
      await Promise.race([all, new Promise((resolve) => setTimeout(resolve, control.hurry?.aborted ? 100 : 1000))]);
    }
  }
  const scaling = options.aws?.scaling;
  if (scaling) {
    const stopped = scaling.stop();
    // After an interruption the AWS calls get only the grace period.
    scalingWatch = interruptReason === null ? await stopped : await Promise.race([stopped, new Promise<null>((resolve) => setTimeout(() => resolve(null), graceMs + 1000))]);
  }
  await recorder.close();

  // Mask every string of the summary before anything is written or returned (numbers stay intact).
  const built = summaryNow(load, endMs, load.installProblems.stopped ?? 0);
  if (thresholds.length > 0) built.thresholds = evaluateThresholds(thresholds, runFigures(built)) satisfies ThresholdResult[];
  const summary = redactor.redactDeep(built);
  output.write('summary.json', `${JSON.stringify(summary, null, 2)}\n`);
  output.write('summary.md', renderSummaryMarkdown(summary));
  return { summary, outDir, files, interrupted: interruptReason !== null, interruptReason, ...(crash ? { crash } : {}) };
}
