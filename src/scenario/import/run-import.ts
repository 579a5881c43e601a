/**
 * `capsim scenario import`, as library calls: read the input, summarize it,
 * build the scenario and, with an output path, write it.
 */
import { basename } from 'node:path';
import { importAlbLogs } from './alb-import.js';
import { type BuiltScenario, buildAlbScenario, type RepositoryChoice } from './alb-scenario.js';
import type { BurstOptions } from './bursts.js';
import type { WindowRequest } from './time-window.js';
import { summarizeTraffic, type TrafficSummary } from './traffic-summary.js';
import { defaultScenarioName, importedFiles, refuseOverwrite, type ScenarioFiles, writeImportedScenario } from './write-scenario.js';

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
  const files = request.out !== undefined ? importedFiles(request.out, true) : null;
  if (files) refuseOverwrite(files, request.force);
  const result = await importAlbLogs({ paths: request.paths, window: request.window });
  const summary = summarizeTraffic(result, { paths: request.paths, keepAddresses: request.keepAddresses, bursts: request.bursts });
  const offsetsName = files?.offsets ? basename(files.offsets) : 'imported.offsets';
  const built = buildAlbScenario(result, summary, {
    name: request.name ?? (request.out ? defaultScenarioName(request.out) : 'imported'),
    offsetsFile: offsetsName,
    repository: request.repository,
    command: request.command,
  });
  if (files) writeImportedScenario(files, built.scenario, built.offsets, request.force);
  return { summary, built, written: files };
}
