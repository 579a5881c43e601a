/**
 * The load generator: turns a scenario's profile into installs against the
 * target, on the schedule of src/scenario/schedule.ts. A burst starts all its
 * installs at once (one synchronous call of the engine); the seed's iteration
 * loop waits for an iteration's installs before the next may start. Where the
 * installs run is the engine's business: in this process (nativeEngine), or on
 * Locust workers (src/live/locust/locust-engine.ts). Stopping (stopSignal) ends
 * scheduling; the engine's hard signal aborts in-flight requests.
 */
import { performance } from 'node:perf_hooks';
import type { BurstIterationsProfile, Scenario } from '../scenario/types.js';
import { basicAuthorization, clientHeaders } from './client-headers.js';
import { ConnectionCounter } from './connections.js';
import { installKinds, kindPicker } from '../scenario/flow-mix.js';
import { FLOWS } from '../scenario/flows.js';
import { runInstall, type InstallContext, type InstallResult, type InstallSpec, type OperationRecord, type ProjectFetch, type RequestRecord } from './install.js';
import { installsInIteration, isBurstIteration, iterationMayStart, nextIterationStartMs, startOffsetsMs } from '../scenario/schedule.js';
import { abortableSleep, round3 } from './abortable-sleep.js';
import { HttpCookieJar } from './cookie-jar.js';

/** Where installs run. */
export interface InstallEngine {
  /** Starts every install of `specs` at once; each promise settles (never rejects) when its install has ended. */
  start(specs: InstallSpec[]): Array<Promise<InstallResult>>;
  /** TCP connections the installs opened so far. */
  readonly connectionsOpened: number;
}

/** What every engine is given: the run, its clock, its stop signals, where records go. */
export interface EngineOptions {
  /** Server root, ending with "/". */
  base: URL;
  scenario: Scenario;
  /** No request starts once this aborts (in-flight ones may finish). */
  stopSignal: AbortSignal;
  /** Aborts in-flight requests. */
  hardSignal: AbortSignal;
  /** performance.now() at the run start. */
  runStartPerf: number;
  /** Date.now() - performance.now() at the run start. */
  wallOffsetMs: number;
  onRequest: (record: RequestRecord) => void;
  onOperation: (record: OperationRecord) => void;
}

export interface NativeEngineOptions extends EngineOptions {
  username?: string;
  password?: string;
}

/**
 * The native engine: every install in this process, each an async task on undici connections of its own; one
 * context per kind of install (one, or a flow mix: src/scenario/flow-mix.ts), sharing the run's counters.
 */
export function nativeEngine(options: NativeEngineOptions): InstallEngine {
  const counter = new ConnectionCounter();
  let operationId = 0;
  const authorization = options.username !== undefined && options.password !== undefined ? basicAuthorization(options.username, options.password) : undefined;
  const contexts: InstallContext[] = installKinds(options.scenario).map((kind) => ({
    base: options.base,
    flow: kind.flow,
    headers: clientHeaders(FLOWS[kind.flow].client),
    authorization,
    client: kind.client,
    // A kind whose client.cookies is shared keeps its jars (one, or client.sharedJars) for its installs in the run.
    sharedJars: Array.from({ length: kind.client.sharedJars ?? 1 }, () => new HttpCookieJar()),
    counter,
    runStartPerf: options.runStartPerf,
    wallOffsetMs: options.wallOffsetMs,
    nextOperationId: () => ++operationId,
    stopped: () => options.stopSignal.aborted,
    signal: options.hardSignal,
    onRequest: options.onRequest,
    onOperation: options.onOperation,
  }));
  return {
    start: (specs) => specs.map((spec) => runInstall(contexts[spec.kind], spec)),
    get connectionsOpened() {
      return counter.opened;
    },
  };
}

export interface LoadOptions {
  scenario: Scenario;
  engine: InstallEngine;
  /** What the next install fetches, in order (the discovered index's projects, seeded). */
  pickInstall: () => ProjectFetch[];
  /** With a flow mix: draws for the kind of installs their replay line does not name (seeded; src/scenario/flow-mix.ts). */
  kindDraws?: () => number;
  stopSignal: AbortSignal;
  runStartPerf: number;
  onInstall?: (result: InstallResult) => void;
  /** Called when a burst iteration (or, for open-loop profiles, a sampling point) starts; must not block. */
  onBurst?: (point: { label: string; iteration?: number; atSeconds: number }) => void;
  /** For open-loop profiles: seconds between diagnostics points (default 60). */
  openLoopDiagnosticsEverySeconds?: number;
}

export interface IterationRecord {
  index: number;
  burst: boolean;
  installs: number;
  /** Seconds from the run start. */
  started_s: number;
  finished_s: number | null;
  /** Time between the first and the last install's first request, ms. */
  dispatch_spread_ms: number | null;
  installs_ok: number;
  installs_failed: number;
}

export interface LoadResult {
  iterations: IterationRecord[];
  installsStarted: number;
  /** Installs started of each kind (index into the scenario's installKinds). */
  installsByKind: number[];
  installsOk: number;
  installsFailed: number;
  /** Why installs stopped early (e.g. "root failed": 3). */
  installProblems: Record<string, number>;
  connectionsOpened: number;
}

/** A LoadResult with nothing counted yet. */
export function emptyLoadResult(): LoadResult {
  return { iterations: [], installsStarted: 0, installsByKind: [], installsOk: 0, installsFailed: 0, installProblems: {}, connectionsOpened: 0 };
}

/**
 * Runs the scenario's load. `result` is filled in place as installs complete,
 * so a caller that has to stop early still holds the counts so far.
 */
export async function runLoad(options: LoadOptions, result: LoadResult = emptyLoadResult()): Promise<LoadResult> {
  const { scenario, engine } = options;
  let nextInstallId = 0;
  const pick = kindPicker(scenario, options.kindDraws ?? (() => 0));
  const newSpec = (iteration: number | null): InstallSpec => {
    const id = nextInstallId++;
    const kind = pick(id);
    const ofKind = result.installsByKind[kind] ?? 0;
    result.installsByKind[kind] = ofKind + 1;
    return { id, iteration, kind, ofKind, projects: options.pickInstall() };
  };

  const settle = (install: InstallResult) => {
    result.connectionsOpened = engine.connectionsOpened;
    if (install.ok) result.installsOk += 1;
    else {
      result.installsFailed += 1;
      if (install.problem) result.installProblems[install.problem] = (result.installProblems[install.problem] ?? 0) + 1;
    }
    options.onInstall?.(install);
    return install;
  };
  const seconds = (perf: number) => round3((perf - options.runStartPerf) / 1000);
  /** Fills an iteration's record once all its installs have settled. */
  const finishIteration = (record: IterationRecord, finished: Array<{ ok: boolean; firstDispatchPerf: number | null }>): void => {
    const firsts = finished.map((install) => install.firstDispatchPerf).filter((perf): perf is number => perf !== null);
    record.dispatch_spread_ms = firsts.length > 0 ? round3(Math.max(...firsts) - Math.min(...firsts)) : null;
    record.installs_ok = finished.filter((install) => install.ok).length;
    record.installs_failed = finished.length - record.installs_ok;
    record.finished_s = seconds(performance.now());
  };

  if (scenario.profile.executor === 'burst-iterations') {
    const profile: BurstIterationsProfile = scenario.profile;
    const elapsedMs = () => performance.now() - options.runStartPerf;
    let index = 0;
    let nextStartMs = 0;
    const pendingIterations: Array<Promise<unknown>> = [];
    while (!options.stopSignal.aborted) {
      // No iteration starts at or after durationSeconds: do not wait for one that will not start.
      if (!iterationMayStart(profile, nextStartMs)) break;
      await abortableSleep(nextStartMs - elapsedMs(), options.stopSignal);
      if (options.stopSignal.aborted) break;
      const startPerf = performance.now();
      const startedMs = startPerf - options.runStartPerf;
      if (!iterationMayStart(profile, startedMs)) break;
      const count = installsInIteration(profile, index);
      const burst = isBurstIteration(profile, index);
      const specs = Array.from({ length: count }, () => newSpec(index));
      const record: IterationRecord = {
        index,
        burst,
        installs: count,
        started_s: seconds(startPerf),
        finished_s: null,
        dispatch_spread_ms: null,
        installs_ok: 0,
        installs_failed: 0,
      };
      result.iterations.push(record);
      result.installsStarted += count;
      // All installs of the iteration are created in one synchronous loop.
      const running = engine.start(specs).map((install) => install.then(settle));
      if (burst) options.onBurst?.({ label: `burst iteration ${index}`, iteration: index, atSeconds: record.started_s });
      if (profile.waitForInstalls) {
        finishIteration(record, await Promise.all(running));
      } else {
        const finishing = Promise.all(running);
        void finishing.then((finished) => finishIteration(record, finished));
        pendingIterations.push(finishing);
      }
      nextStartMs = nextIterationStartMs(profile, startedMs, elapsedMs());
      index += 1;
    }
    await Promise.all(pendingIterations);
  } else {
    const offsets = startOffsetsMs(scenario.profile);
    const every = (options.openLoopDiagnosticsEverySeconds ?? 60) * 1000;
    let nextPoint = 0;
    const running: Array<Promise<InstallResult>> = [];
    for (const offset of offsets) {
      await abortableSleep(options.runStartPerf + offset - performance.now(), options.stopSignal);
      if (options.stopSignal.aborted) break;
      const elapsed = performance.now() - options.runStartPerf;
      if (elapsed >= nextPoint) {
        options.onBurst?.({ label: `sampling point at ${Math.round(elapsed / 1000)} s`, atSeconds: seconds(performance.now()) });
        nextPoint += every;
      }
      result.installsStarted += 1;
      running.push(engine.start([newSpec(null)])[0].then(settle));
    }
    await Promise.all(running);
  }
  return result;
}

