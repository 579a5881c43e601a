/**
 * Reads one `--run FILE` of `capsim calibrate` into an ObservedRun: what
 * was measured, at which sizing, under which scenario.
 *
 * Two kinds of file are accepted:
 * (a) a `capsim validate` summary.json: the seed tool's summary keys plus
 *     `sizing`, `scenario` (the resolved scenario it sent) and
 *     `diagnostics`. An interrupted run (`interrupted: true`) is refused:
 *     the model would simulate the whole scenario, the run measured a part;
 * (b) the seed stress tool's JSON summary (total_requests, error_rate,
 *     latency_median/p95/p99, operations, ...), whose sizing and scenario
 *     come from a sidecar (see sidecar.ts) or from the command line.
 *
 * Scenario, first found: the sidecar's `scenario` (+ its `overrides`); the
 * validate summary's own scenario; `--scenario`; the summary's `profile`
 * when it names a shipped scenario (recorded as such). The command's
 * scenario override flags (--burst-size, --duration, ...) apply to a
 * scenario named on the command line or by the profile; for a run that
 * carries its own scenario they must agree with it.
 * Metric extraction and units: summary-metrics.ts. Sizing: run-sizing.ts.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { expectObject, type JsonObject, readJsonFile } from '../input/data-file.js';
import type { ResolvedSizing, SizingRequest } from '../model/sizing.js';
import { applyOverrides, loadScenario, type ScenarioOverrides, scenarioPath, validateScenario } from '../scenario/load.js';
import type { Scenario } from '../scenario/types.js';
import type { RunMetrics } from './metrics.js';
import { assembleSizing, declaredSizing, type PartialSizing } from './run-sizing.js';
import { readSidecar } from './sidecar.js';
import { summaryMetrics } from './summary-metrics.js';

export type RunFileKind = 'validate-summary' | 'seed-summary';

/** A measured run, normalised: the input of a fit. */
export interface ObservedRun {
  label: string;
  /** Absolute path of the run file. */
  file: string;
  kind: RunFileKind;
  sizing: SizingRequest;
  resolvedSizing: ResolvedSizing;
  scenario: Scenario;
  observed: RunMetrics;
  /** Operations the run measured. */
  operations: number;
  /** Where the sizing fields, the scenario and the units came from. */
  provenance: { sidecar: string | null; sizing: Record<string, string>; scenario: string; units: string[] };
}

/** What the command line says about runs that do not say it themselves. */
export interface RunDefaults {
  sizing: PartialSizing;
  scenario?: string;
  overrides: ScenarioOverrides;
}

/** Reads and validates a run file (one clear line naming the file on any problem). */
export function readRunFile(path: string, defaults: RunDefaults = { sizing: {}, overrides: {} }): ObservedRun {
  const file = resolve(process.cwd(), path);
  if (!existsSync(file)) throw new UserError(`run file ${path} does not exist`);
  const root = expectObject(readJsonFile(file, 'run file'), `run file ${path}`);
  const where = `run file ${path}`;
  const sidecar = readSidecar(file);
  const isValidate = root.sizing !== undefined && root.scenario !== undefined;
  if (isValidate && root.interrupted === true) {
    throw new UserError(`${where}: the run was interrupted (${String(root.interrupt_reason ?? 'unknown reason')}); calibrate needs a complete run`);
  }
  const { metrics, operations, notes } = summaryMetrics(root, where, sidecar?.units);
  const own: PartialSizing = isValidate ? declaredSizing(root.sizing, where) : {};
  const sizing = assembleSizing(own, sidecar?.sizing ?? {}, defaults.sizing, where, sidecar?.path);
  const { scenario, source } = runScenario(root, isValidate, sidecar?.scenario, sidecar?.overrides ?? {}, defaults, where);
  return {
    label: sidecar?.label ?? defaultLabel(file),
    file,
    kind: isValidate ? 'validate-summary' : 'seed-summary',
    sizing: sizing.request,
    resolvedSizing: sizing.resolved,
    scenario,
    observed: metrics,
    operations,
    provenance: { sidecar: sidecar?.path ?? null, sizing: sizing.sources, scenario: source, units: notes },
  };
}

/** Reads every run file; labels are made unique (a second "summary" becomes "summary#2"). */
export function readRunFiles(paths: string[], defaults: RunDefaults): ObservedRun[] {
  if (paths.length === 0) throw new UserError('give at least one --run FILE');
  const runs = paths.map((p) => readRunFile(p, defaults));
  const seen = new Map<string, number>();
  for (const run of runs) {
    const n = (seen.get(run.label) ?? 0) + 1;
    seen.set(run.label, n);
    if (n > 1) run.label = `${run.label}#${n}`;
  }
  return runs;
}

/** File name without .json; validate's "summary.json" is named after its directory. */
function defaultLabel(file: string): string {
  const name = basename(file).replace(/\.json$/i, '');
  return name === 'summary' ? basename(dirname(file)) : name;
}

function withFile<T>(where: string, f: () => T): T {
  try {
    return f();
  } catch (error) {
    if (error instanceof UserError) throw new UserError(`${where}: ${error.message}`, error.exitCode);
    throw error;
  }
}

function runScenario(
  root: JsonObject,
  isValidate: boolean,
  sidecarScenario: string | undefined,
  sidecarOverrides: ScenarioOverrides,
  defaults: RunDefaults,
  where: string,
): { scenario: Scenario; source: string } {
  const flagOverrides = defaults.overrides;
  if (sidecarScenario !== undefined) {
    if (defaults.scenario !== undefined && scenarioPath(defaults.scenario) !== scenarioPath(sidecarScenario)) {
      throw new UserError(`${where}: --scenario ${defaults.scenario} contradicts the sidecar's scenario "${sidecarScenario}"`);
    }
    const scenario = withFile(where, () => applyOverrides(loadScenario(sidecarScenario), sidecarOverrides));
    checkAgrees(scenario, flagOverrides, where, 'its sidecar');
    return { scenario, source: `sidecar: ${sidecarScenario}` };
  }
  if (isValidate) {
    const raw = { ...expectObject(root.scenario, `${where}: field "scenario"`) };
    delete raw.source;
    const scenario = validateScenario(raw, `${where}: scenario`);
    if (defaults.scenario !== undefined) {
      throw new UserError(`${where}: the run carries its own scenario "${scenario.name}"; drop --scenario (or name another in a sidecar)`);
    }
    checkAgrees(scenario, flagOverrides, where, 'the run file');
    return { scenario, source: `run file: ${scenario.name}` };
  }
  if (defaults.scenario !== undefined) {
    const name = defaults.scenario;
    return { scenario: withFile(where, () => applyOverrides(loadScenario(name), { ...sidecarOverrides, ...flagOverrides })), source: `--scenario ${name}` };
  }
  const profile = root.profile;
  if (typeof profile === 'string' && /^[a-z0-9][a-z0-9-]*$/i.test(profile)) {
    let scenario: Scenario | undefined;
    try {
      scenario = loadScenario(profile);
    } catch {
      scenario = undefined;
    }
    if (scenario) {
      return { scenario: withFile(where, () => applyOverrides(scenario, { ...sidecarOverrides, ...flagOverrides })), source: `profile "${profile}" (shipped scenario)` };
    }
  }
  throw new UserError(`${where}: no scenario for this run: give --scenario NAME or a sidecar with "scenario" (its profile ${JSON.stringify(profile ?? null)} is not a shipped scenario)`);
}

/** Command-line scenario overrides must agree with a scenario a run carries itself. */
function checkAgrees(scenario: Scenario, o: ScenarioOverrides, where: string, from: string): void {
  const p = scenario.profile;
  const checks: Array<[string, unknown, unknown]> = [
    ['--flow', o.flow, scenario.flow],
    ['--timeout-s', o.timeoutSeconds, scenario.client.timeoutSeconds],
    ['--burst-size', o.burstSize, p.executor === 'burst-iterations' ? p.burstInstalls : undefined],
    ['--baseline', o.baseline, p.executor === 'burst-iterations' ? p.baselineInstalls : undefined],
    ['--duration', o.durationSeconds, 'durationSeconds' in p ? p.durationSeconds : undefined],
  ];
  for (const [flag, given, stated] of checks) {
    if (given !== undefined && given !== stated) {
      throw new UserError(`${where}: ${flag} ${String(given)} contradicts the scenario stated by ${from} (${String(stated ?? 'not applicable')})`);
    }
  }
}
