/**
 * `capsim scenario import`, as library calls: read the input, summarize it,
 * build the scenario and, with an output path, write it.
 */
import { basename } from 'node:path';
import { UserError } from '../../errors.js';
import { importAlbLogs } from './alb-import.js';
import { type BuiltScenario, buildAlbScenario, type RepositoryChoice } from './alb-scenario.js';
import type { BurstOptions } from './bursts.js';
import type { WindowRequest } from './time-window.js';
import { summarizeTraffic, type TrafficSummary } from './traffic-summary.js';
import { buildCloudWatchScenario, type CloudWatchSummary, readRequestCounts, type WithinPeriod } from './cloudwatch.js';
import { cookieNote, defaultClient } from './flow-mapping.js';
import { FLOWS } from '../flows.js';
import { checkLoad, loadScenario, validateScenario } from '../load.js';
import type { CookieScope, FlowName } from '../types.js';
import { checkImportOutput, checkWritten, defaultScenarioName, type ScenarioFiles, writeImportedScenario } from './write-scenario.js';

const TOO_LARGE_HINT = ': cut one busy period with --busiest (e.g. 10m) or --from/--to';

export interface AlbImportRequest {
  paths: string[];
  window?: WindowRequest;
  keepAddresses: boolean;
  repository: RepositoryChoice;
  /** Scenario file to write (.json); none = summary only. */
  out?: string;
  name?: string;
  force: boolean;
  bursts?: BurstOptions;
  /** Who shares a cookie jar (default: each kind's client family's). */
  cookies?: CookieScope;
  /** The command line, recorded in the scenario. */
  command: string;
}

export interface AlbImportOutcome {
  summary: TrafficSummary;
  built: BuiltScenario;
  written: ScenarioFiles | null;
}

export async function runAlbImport(request: AlbImportRequest): Promise<AlbImportOutcome> {
  // Refuse a bad --out before reading gigabytes of logs.
  const files = request.out !== undefined ? checkImportOutput(request.out, true, request.force) : null;
  const result = await importAlbLogs({ paths: request.paths, window: request.window });
  const summary = summarizeTraffic(result, { paths: request.paths, keepAddresses: request.keepAddresses, bursts: request.bursts });
  const offsetsName = files?.offsets ? basename(files.offsets) : 'imported.offsets';
  const built = buildAlbScenario(result, summary, {
    name: request.name ?? (request.out ? defaultScenarioName(request.out) : 'imported'),
    offsetsFile: offsetsName,
    repository: request.repository,
    command: request.command,
    cookies: request.cookies,
  });
  if (files) {
    // A replay predict would refuse is not written: the same bounds as every scenario, before any file.
    if (built.installs === 0) throw new UserError(`--out ${request.out}: the logs hold no install in the window, so there is nothing to replay (without --out the summary shows what they hold)`);
    checkLoad({ installs: built.installs, requirements: 1, durationSeconds: built.lastOffsetSeconds }, `--out ${request.out}`, TOO_LARGE_HINT);
    writeImportedScenario(files, built.scenario, built.offsets, request.force);
    // The replay's text is on disk: let it go before reading it back (millions of installs are large).
    built.offsets = [];
    checkWritten(files);
  }
  return { summary, built, written: files };
}

export interface CloudWatchImportRequest {
  path: string;
  flow: FlowName;
  within: WithinPeriod;
  burstSeconds: number;
  repository: RepositoryChoice;
  /** Who shares a cookie jar (default: the flow's real client's). */
  cookies?: CookieScope;
  out?: string;
  name?: string;
  force: boolean;
  command: string;
}

export interface CloudWatchImportOutcome {
  summary: CloudWatchSummary;
  scenario: Record<string, unknown>;
  notes: string[];
  written: ScenarioFiles | null;
}

export function runCloudWatchImport(request: CloudWatchImportRequest): CloudWatchImportOutcome {
  const files = request.out !== undefined ? checkImportOutput(request.out, false, request.force) : null;
  const series = readRequestCounts(request.path);
  const shipped = loadScenario('production-incident').repository;
  const repository = { ...shipped, projects: request.repository.projects ?? shipped.projects, versionsPerProject: request.repository.versionsPerProject ?? shipped.versionsPerProject };
  const notes: string[] = [];
  if (request.repository.projects === undefined || request.repository.versionsPerProject === undefined) {
    notes.push(`repository: ${repository.projects} projects x ${repository.versionsPerProject} versions, ${repository.wheelBytes}-byte wheels (production-incident's; request counts do not show the index: give --projects and --versions-per-project)`);
  }
  const { scenario, summary } = buildCloudWatchScenario(series, {
    name: request.name ?? (request.out ? defaultScenarioName(request.out) : 'imported'),
    path: request.path,
    flow: request.flow,
    within: request.within,
    burstSeconds: request.burstSeconds,
    // No user agents here: the flow's client, its cookie jar the flow's real client's unless stated.
    client: defaultClient(FLOWS[request.flow].client, request.cookies ?? FLOWS[request.flow].cookies),
    repository,
    command: request.command,
  });
  notes.push(cookieNote([{ name: request.flow, cookies: request.cookies ?? FLOWS[request.flow].cookies }], request.cookies));
  if (series.missingPeriods > 0) notes.push(`${series.missingPeriods} period(s) without a row counted as 0 requests`);
  if (files) {
    // The ramp as predict will read it (its bounds included), before any file is written.
    validateScenario(structuredClone(scenario), files.scenario);
    writeImportedScenario(files, scenario, null, request.force);
    checkWritten(files);
  }
  return { summary, scenario, notes, written: files };
}
