/**
 * Writes an imported scenario (the JSON file and, for a replay, its offsets
 * file beside it), and loads it back, so what was written is what predict,
 * plan and validate will read.
 */
import { closeSync, existsSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { UserError } from '../../errors.js';
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

/** Writes the scenario and its offsets (in pieces, as built; see checkWritten). */
export function writeImportedScenario(files: ScenarioFiles, scenario: Record<string, unknown>, offsets: string[] | null, force: boolean): void {
  refuseOverwrite(files, force);
  try {
    mkdirSync(dirname(resolve(files.scenario)), { recursive: true });
    if (files.offsets && offsets !== null) {
      const fd = openSync(files.offsets, 'w');
      try {
        for (const piece of offsets) writeSync(fd, piece);
      } finally {
        closeSync(fd);
      }
    }
    writeFileSync(files.scenario, `${JSON.stringify(scenario, null, 2)}\n`);
  } catch (error) {
    throw new UserError(`cannot write ${files.scenario} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}

/** Loads a written scenario back: what was written is what predict, plan and validate will read. */
export function checkWritten(files: ScenarioFiles): void {
  loadScenario(resolve(files.scenario));
}
