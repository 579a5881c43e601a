import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UserError } from '../errors.js';
import {
  expectArray,
  expectObject,
  type JsonObject,
  readJsonFile,
  rejectUnknownKeys,
  requireNumber,
  requireOneOf,
  requireString,
  shown,
} from '../input/data-file.js';
import { type NamedFileKind, resolveNamedFile } from '../input/named-file.js';
import { MAX_RUN_SECONDS, readReplayFile } from './replay-offsets.js';
import { loadDurationMs, nominalInstalls } from './schedule.js';
import { FLOW_NAMES, FLOWS, type FlowName } from './flows.js';
import { COOKIE_SCOPES, EXECUTORS, VERSION_PICKS, type ClientBehaviour, type CookieScope, type FlowMixEntry, type LoadProfile, type ReplayProfile, type Repository, type Scenario } from './types.js';

/** `--scenario NAME`: scenarios/NAME.json in the working directory, then under CAPSIM_HOME, then shipped. */
export const SCENARIO_FILES: NamedFileKind = { what: 'scenario', folder: 'scenarios', namePattern: /^[a-z0-9][a-z0-9-]*$/i };

/** Resolves a scenario argument: a name (see SCENARIO_FILES) or a path to a JSON file. */
export function scenarioPath(nameOrPath: string): string {
  return resolveNamedFile(SCENARIO_FILES, nameOrPath);
}

/** Loads and validates a scenario by name or path; every problem is one line naming file and field. */
export function loadScenario(nameOrPath: string): Scenario {
  const path = scenarioPath(nameOrPath);
  const raw = readJsonFile(path, 'scenario file');
  return validateScenario(raw, path);
}

/** Validates a parsed scenario object; `file` names it in messages. */
export function validateScenario(raw: unknown, file: string): Scenario {
  const root = expectObject(raw, `${file}`);
  rejectUnknownKeys(root, ['name', 'description', 'flow', 'flowMix', 'requirements', 'profile', 'client', 'repository', 'provenance', '$comment'], file);
  const name = requireString(root, 'name', file);
  const description = typeof root.description === 'string' ? root.description : '';
  const flow = requireOneOf(root, 'flow', file, FLOW_NAMES);
  const rawClient = expectObject(root.client, `${file}: field "client"`);
  const client = validateClient(rawClient, `${file}: client`, flow);
  const flowMix = root.flowMix === undefined ? undefined : validateFlowMix(root, flow, rawClient, file);
  const profile = validateProfile(expectObject(root.profile, `${file}: field "profile"`), `${file}: profile`, file, flowMix);
  const repository = validateRepository(expectObject(root.repository, `${file}: field "repository"`), `${file}: repository`);
  const requirements = root.requirements === undefined ? undefined : requireNumber(root, 'requirements', file, { integer: true, min: 1, max: MAX_REQUIREMENTS });
  // Where an imported scenario came from: read by people, not by the model.
  if (root.provenance !== undefined) expectObject(root.provenance, `${file}: field "provenance"`);
  return checkLoadSize({ name, description, flow, ...(flowMix ? { flowMix } : {}), ...(requirements !== undefined ? { requirements } : {}), profile, client, repository, source: file }, file);
}

/** Most projects a run fetches (installs x requirements): what one replication simulates in seconds. */
export const MAX_FETCHES_PER_RUN = 1_000_000;

/**
 * Checks that a scenario's load is one a run can carry: at most MAX_FETCHES_PER_RUN projects fetched
 * (installs x requirements) and no install starting after 24 h. `where` names the file or the flags that
 * made it (overrides, headroom).
 */
export function checkLoadSize(scenario: Scenario, where: string): Scenario {
  checkLoad({ installs: nominalInstalls(scenario.profile), requirements: scenario.requirements ?? 1, durationSeconds: loadDurationMs(scenario.profile) / 1000 }, where);
  return scenario;
}

/** A load by its size: what checkLoadSize checks, also for a scenario not yet written (an import). */
export interface LoadSize {
  installs: number;
  requirements: number;
  /** When the last install starts (or the load ends), seconds from the start. */
  durationSeconds: number;
}

/** The bounds of checkLoadSize, on a load's size; `hint` says how to make a smaller one. */
export function checkLoad(load: LoadSize, where: string, hint = ''): void {
  const fetches = load.installs * load.requirements;
  if (!(fetches <= MAX_FETCHES_PER_RUN)) {
    const per = load.requirements > 1 ? ` x ${load.requirements} requirements` : '';
    throw new UserError(`${where}: the load starts ${load.installs.toLocaleString('en-US')} installs${per} over the run; at most ${MAX_FETCHES_PER_RUN.toLocaleString('en-US')} projects are fetched in one run${hint}`);
  }
  if (load.durationSeconds > MAX_RUN_SECONDS) throw new UserError(`${where}: the load lasts longer than ${MAX_RUN_SECONDS} s (24 h), the longest run${hint}`);
}

/**
 * A flow mix: entries with a flow, a share (the shares sum to 1), an optional name and client; `flow` is one of them.
 * An entry without a client has the scenario's (its cookie jar, when the scenario does not state one, the entry's flow's).
 */
function validateFlowMix(root: JsonObject, flow: FlowName, rawClient: JsonObject, file: string): FlowMixEntry[] {
  const where = `${file}: flowMix`;
  const entries = expectArray(root, 'flowMix', file).map((raw, i): FlowMixEntry => {
    const at = `${where}[${i}]`;
    const e = expectObject(raw, at);
    rejectUnknownKeys(e, ['name', 'flow', 'share', 'client'], at);
    const entryFlow = requireOneOf(e, 'flow', at, FLOW_NAMES);
    const name = e.name === undefined ? entryFlow : requireString(e, 'name', at);
    if (!/^[A-Za-z][\w./-]*$/.test(name)) throw new UserError(`${at}: field "name" must be one word of letters, digits and . / _ - (got ${shown(name)})`);
    return {
      name,
      flow: entryFlow,
      share: requireNumber(e, 'share', at, { above: 0, max: 1 }),
      client:
        e.client === undefined
          ? validateClient(rawClient, `${file}: client`, entryFlow)
          : validateClient(expectObject(e.client, `${at}: field "client"`), `${at}: client`, entryFlow),
    };
  });
  if (entries.length === 0) throw new UserError(`${where} must list at least one entry`);
  const names = entries.map((e) => e.name);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) throw new UserError(`${where}: the name "${twice}" is used twice (give the entries of one flow a "name" each)`);
  const sum = entries.reduce((total, e) => total + e.share, 0);
  if (Math.abs(sum - 1) > 1e-6) throw new UserError(`${where}: the shares must sum to 1 (they sum to ${Math.round(sum * 1e6) / 1e6})`);
  if (!entries.some((e) => e.flow === flow)) throw new UserError(`${file}: field "flow" (${flow}) must be the flow of one of the flowMix entries (${names.join(', ')})`);
  return entries;
}

function validateProfile(p: JsonObject, where: string, file: string, flowMix: FlowMixEntry[] | undefined): LoadProfile {
  const executor = requireOneOf(p, 'executor', where, EXECUTORS);
  switch (executor) {
    case 'burst-iterations': {
      rejectUnknownKeys(p, ['executor', 'iterationSeconds', 'baselineInstalls', 'burstInstalls', 'burstEvery', 'firstBurstIteration', 'waitForInstalls', 'durationSeconds'], where);
      const waitForInstalls = p.waitForInstalls;
      if (typeof waitForInstalls !== 'boolean') throw new UserError(`${where}: field "waitForInstalls" must be true or false (got ${shown(waitForInstalls)})`);
      const burstEvery = requireNumber(p, 'burstEvery', where, { integer: true, min: 1 });
      return {
        executor,
        iterationSeconds: requireNumber(p, 'iterationSeconds', where, { above: 0, max: 3600 }),
        baselineInstalls: requireNumber(p, 'baselineInstalls', where, { integer: true, min: 0, max: 100000 }),
        burstInstalls: requireNumber(p, 'burstInstalls', where, { integer: true, min: 0, max: 100000 }),
        burstEvery,
        firstBurstIteration: requireNumber(p, 'firstBurstIteration', where, { integer: true, min: 0 }),
        waitForInstalls,
        durationSeconds: requireNumber(p, 'durationSeconds', where, { above: 0, max: MAX_RUN_SECONDS }),
      };
    }
    case 'constant-arrival-rate':
      rejectUnknownKeys(p, ['executor', 'installsPerSecond', 'durationSeconds'], where);
      return {
        executor,
        installsPerSecond: requireNumber(p, 'installsPerSecond', where, { above: 0, max: 100000 }),
        durationSeconds: requireNumber(p, 'durationSeconds', where, { above: 0, max: MAX_RUN_SECONDS }),
      };
    case 'ramping-arrival-rate': {
      rejectUnknownKeys(p, ['executor', 'startInstallsPerSecond', 'stages'], where);
      const stages = expectArray(p, 'stages', where).map((s, i) => {
        const at = `${where}: stages[${i}]`;
        const stage = expectObject(s, at);
        rejectUnknownKeys(stage, ['durationSeconds', 'targetInstallsPerSecond'], at);
        return {
          // 0 s: the rate jumps to the target (k6's "0s" stage).
          durationSeconds: requireNumber(stage, 'durationSeconds', at, { min: 0, max: MAX_RUN_SECONDS }),
          targetInstallsPerSecond: requireNumber(stage, 'targetInstallsPerSecond', at, { min: 0, max: 100000 }),
        };
      });
      if (stages.length === 0) throw new UserError(`${where}: field "stages" must list at least one stage`);
      if (!stages.some((s) => s.durationSeconds > 0)) throw new UserError(`${where}: field "stages" must last more than 0 s in all`);
      const total = stages.reduce((sum, stage) => sum + stage.durationSeconds, 0);
      if (total > MAX_RUN_SECONDS) throw new UserError(`${where}: the stages last ${total} s together; a run lasts at most ${MAX_RUN_SECONDS} s (24 h)`);
      return { executor, startInstallsPerSecond: requireNumber(p, 'startInstallsPerSecond', where, { min: 0, max: 100000 }), stages };
    }
    case 'replay': {
      rejectUnknownKeys(p, ['executor', 'file', 'timeScale'], where);
      const rel = requireString(p, 'file', where);
      const offsets = resolve(dirname(file), rel);
      if (!existsSync(offsets)) throw new UserError(`${where}: field "file": ${offsets} does not exist`);
      // Read once, now: a malformed file is an error when the scenario loads, not in the middle of a run.
      // With a flow mix, an offset may name the entry its install runs (`12.5 poetry`).
      const read = readReplayFile(offsets, flowMix?.map((e) => e.name));
      const timeScale = requireNumber(p, 'timeScale', where, { above: 0, max: 1000 });
      const lastOffset = read.seconds[read.seconds.length - 1];
      const last = lastOffset * timeScale;
      if (last > MAX_RUN_SECONDS) {
        throw new UserError(`${where}: the last install of ${offsets} starts at ${lastOffset} s x timeScale ${timeScale} = ${last} s; a run lasts at most ${MAX_RUN_SECONDS} s (24 h)`);
      }
      const named = read.names.some((n) => n >= 0);
      return { executor, file: offsets, timeScale, offsetsSeconds: read.seconds, ...(named ? { offsetsMix: read.names } : {}) };
    }
  }
}

function validateClient(c: JsonObject, where: string, flow: FlowName): ClientBehaviour {
  rejectUnknownKeys(c, ['timeoutSeconds', 'retries', 'backoffFactorSeconds', 'retryStatuses', 'keepAlive', 'cookies', 'sharedJars'], where);
  const statuses = expectArray(c, 'retryStatuses', where).map((s, i) => {
    if (typeof s !== 'number' || !Number.isInteger(s) || s < 100 || s > 599) throw new UserError(`${where}: retryStatuses[${i}] must be an HTTP status 100-599 (got ${shown(s)})`);
    return s;
  });
  if (typeof c.keepAlive !== 'boolean') throw new UserError(`${where}: field "keepAlive" must be true or false (got ${shown(c.keepAlive)})`);
  return {
    timeoutSeconds: requireNumber(c, 'timeoutSeconds', where, { above: 0, max: 3600 }),
    retries: requireNumber(c, 'retries', where, { integer: true, min: 0, max: 20 }),
    backoffFactorSeconds: requireNumber(c, 'backoffFactorSeconds', where, { min: 0, max: 60 }),
    retryStatuses: statuses,
    keepAlive: c.keepAlive,
    // Unstated: the jar the flow's real client keeps (a run summary written before the field existed says nothing).
    cookies: c.cookies === undefined ? FLOWS[flow].cookies : requireOneOf(c, 'cookies', where, COOKIE_SCOPES),
    ...(c.sharedJars !== undefined ? { sharedJars: requireNumber(c, 'sharedJars', where, { integer: true, min: 1, max: 100_000 }) } : {}),
  };
}

/** Validates a repository object (a scenario's, or the one validate records from a real index). */
export function validateRepository(r: JsonObject, where: string): Repository {
  rejectUnknownKeys(r, ['projects', 'versionsPerProject', 'wheelBytes', 'versionPick', 'files'], where);
  return {
    projects: requireNumber(r, 'projects', where, { integer: true, min: 1, max: 1_000_000 }),
    versionsPerProject: requireNumber(r, 'versionsPerProject', where, { min: 1, max: 10000 }),
    wheelBytes: requireNumber(r, 'wheelBytes', where, { above: 0, max: 1e10 }),
    versionPick: requireOneOf(r, 'versionPick', where, VERSION_PICKS),
    ...(r.files !== undefined ? { files: requireNumber(r, 'files', where, { integer: true, min: 1, max: 1e9 }) } : {}),
  };
}

/** At most this many projects one install fetches (`requirements`). */
export const MAX_REQUIREMENTS = 1000;

/** Checks a number of projects per install (`--requirements N`); one line naming the bounds otherwise. */
export function checkRequirements(value: number, where = '--requirements'): number {
  if (!Number.isInteger(value) || value < 1 || value > MAX_REQUIREMENTS) {
    throw new UserError(`${where} must be a whole number of projects per install from 1 to ${MAX_REQUIREMENTS}, got ${value}`);
  }
  return value;
}

/** A profile as a scenario file states it (a replay's offsets, and the entries they name, stay in their file). */
export function profileAsWritten(profile: LoadProfile): LoadProfile | Omit<ReplayProfile, 'offsetsSeconds' | 'offsetsMix'> {
  if (profile.executor !== 'replay') return profile;
  const { offsetsSeconds: _read, offsetsMix: _named, ...written } = profile;
  return written;
}

/** A scenario as a file states it: what results record (validate's summary, predict's JSON). */
export function scenarioAsWritten(scenario: Scenario): Omit<Scenario, 'profile'> & { profile: ReturnType<typeof profileAsWritten> } {
  return { ...scenario, profile: profileAsWritten(scenario.profile) };
}

/** Scenario overrides shared by `predict` and `validate` (`--flow --burst-size --baseline --duration --timeout-s --cookies`). */
export interface ScenarioOverrides {
  flow?: FlowName;
  /** Projects per install. */
  requirements?: number;
  burstSize?: number;
  baseline?: number;
  durationSeconds?: number;
  timeoutSeconds?: number;
  cookies?: CookieScope;
}

/** Applies command-line overrides; an override that does not fit the scenario's executor is an error. */
export function applyOverrides(scenario: Scenario, o: ScenarioOverrides): Scenario {
  const next: Scenario = structuredClone(scenario);
  if (o.flow !== undefined) {
    if (!FLOW_NAMES.includes(o.flow)) throw new UserError(`--flow must be one of ${FLOW_NAMES.join(', ')}, got "${o.flow}"`);
    // One flow for every install: the mix, and the entries a replay's lines name, no longer apply.
    next.flow = o.flow;
    delete next.flowMix;
    if (next.profile.executor === 'replay') delete next.profile.offsetsMix;
  }
  if (o.requirements !== undefined) next.requirements = checkRequirements(o.requirements);
  if (o.cookies !== undefined) {
    if (!COOKIE_SCOPES.includes(o.cookies)) throw new UserError(`--cookies must be one of ${COOKIE_SCOPES.join(', ')}, got "${o.cookies}"`);
    next.client.cookies = o.cookies;
    for (const entry of next.flowMix ?? []) entry.client.cookies = o.cookies;
  }
  if (o.timeoutSeconds !== undefined) {
    if (!(o.timeoutSeconds > 0)) throw new UserError(`--timeout-s must be > 0, got ${o.timeoutSeconds}`);
    next.client.timeoutSeconds = o.timeoutSeconds;
    for (const entry of next.flowMix ?? []) entry.client.timeoutSeconds = o.timeoutSeconds;
  }
  const p = next.profile;
  if (o.burstSize !== undefined || o.baseline !== undefined) {
    if (p.executor !== 'burst-iterations') {
      throw new UserError(`--burst-size and --baseline apply to burst-iterations scenarios; "${scenario.name}" uses ${p.executor}`);
    }
    if (o.burstSize !== undefined) {
      if (!(Number.isInteger(o.burstSize) && o.burstSize >= 0)) throw new UserError(`--burst-size must be a whole number >= 0, got ${o.burstSize}`);
      p.burstInstalls = o.burstSize;
    }
    if (o.baseline !== undefined) {
      if (!(Number.isInteger(o.baseline) && o.baseline >= 0)) throw new UserError(`--baseline must be a whole number >= 0, got ${o.baseline}`);
      p.baselineInstalls = o.baseline;
    }
  }
  if (o.durationSeconds !== undefined) {
    if (!(o.durationSeconds > 0 && o.durationSeconds <= MAX_RUN_SECONDS)) throw new UserError(`--duration must be > 0 and at most ${MAX_RUN_SECONDS} seconds (24 h), got ${o.durationSeconds}`);
    if (p.executor === 'burst-iterations' || p.executor === 'constant-arrival-rate') p.durationSeconds = o.durationSeconds;
    else throw new UserError(`--duration does not apply to ${p.executor} scenarios`);
  }
  return checkLoadSize(next, `scenario "${scenario.name}" with the command line's overrides`);
}
