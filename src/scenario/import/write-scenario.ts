/**
 * Writes an imported scenario (the JSON file and, for a replay, its offsets
 * file beside it) through src/output/: both paths checked before any input is
 * read, each file written to a temporary name and renamed into place (the
 * offsets first, so a scenario file never names offsets that are not there),
 * and loads it back, so what was written is what predict, plan and validate
 * will read.
 */
import { existsSync, rmSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { UserError } from '../../errors.js';
import { checkOutputFile, commitFile, writeTemporary } from '../../output/output-path.js';
import { loadScenario } from '../load.js';

export interface ScenarioFiles {
  scenario: string;
  offsets: string | null;
}

/** The files an import writes for `--out FILE.json`. */
export function importedFiles(out: string, replay: boolean): ScenarioFiles {
  if (!out.endsWith('.json')) throw new UserError(`--out must name a .json file, got "${out}"`);
  return { scenario: out, offsets: replay ? `${out.slice(0, -'.json'.length)}.offsets` : null };
}

/** The scenario name for `--out`: the file name without .json. */
export function defaultScenarioName(out: string): string {
  return basename(out, '.json');
}

/** An existing output file is replaced only with --force. */
export function refuseOverwrite(files: ScenarioFiles, force: boolean): void {
  for (const path of [files.scenario, files.offsets]) {
    if (path && existsSync(path) && !force) throw new UserError(`${path} exists; give --force to replace it`);
  }
}

/** Before any input is read: the files of `--out` are new (or --force) and their place takes files. */
export function checkImportOutput(out: string, replay: boolean, force: boolean): ScenarioFiles {
  const files = importedFiles(out, replay);
  refuseOverwrite(files, force);
  for (const path of [files.scenario, files.offsets]) if (path) checkOutputFile(path, '--out');
  return files;
}

/** Writes the scenario and its offsets (in pieces, as built; see checkWritten). */
export function writeImportedScenario(files: ScenarioFiles, scenario: Record<string, unknown>, offsets: string[] | null, force: boolean): void {
  refuseOverwrite(files, force);
  const offsetsTemporary = files.offsets && offsets !== null ? writeTemporary(files.offsets, offsets, '--out') : null;
  let scenarioTemporary: string;
  try {
    scenarioTemporary = writeTemporary(files.scenario, `${JSON.stringify(scenario, null, 2)}\n`, '--out');
  } catch (error) {
    if (offsetsTemporary) rmSync(offsetsTemporary, { force: true });
    throw error;
  }
  if (offsetsTemporary) commitFile(offsetsTemporary, resolve(files.offsets!), '--out');
  commitFile(scenarioTemporary, resolve(files.scenario), '--out');
}

/** Loads a written scenario back: what was written is what predict, plan and validate will read. */
export function checkWritten(files: ScenarioFiles): void {
  loadScenario(resolve(files.scenario));
}
