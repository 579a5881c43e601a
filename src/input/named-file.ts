import { existsSync, readdirSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { packagePath } from '../package-root.js';

/**
 * Files named on the command line by NAME (`--scenario mine`, `--calibration
 * mine`): the user's own first. NAME.json is looked for in the working
 * directory's folder (./scenarios, ./calibration), then in the same folder
 * under CAPSIM_HOME, then among the files capsim ships; anything else
 * (a path, a name ending in .json) is a path relative to the working directory.
 */
export interface NamedFileKind {
  /** What the file is, in messages: "scenario", "calibration". */
  what: string;
  /** The folder of each place: "scenarios", "calibration". */
  folder: string;
  /** What counts as a name rather than a path. */
  namePattern: RegExp;
}

export interface SearchPlace {
  /** How a message names the place: "./scenarios", "$CAPSIM_HOME/scenarios", "shipped". */
  label: string;
  dir: string;
}

/** The places a NAME is looked for, in order; a place that is the same directory as an earlier one is left out. */
export function searchPlaces(kind: NamedFileKind, cwd = process.cwd(), home = process.env.CAPSIM_HOME): SearchPlace[] {
  const places: SearchPlace[] = [{ label: `./${kind.folder}`, dir: resolve(cwd, kind.folder) }];
  if (home) places.push({ label: `$CAPSIM_HOME/${kind.folder}`, dir: resolve(cwd, home, kind.folder) });
  places.push({ label: 'shipped', dir: packagePath(kind.folder) });
  return places.filter((place, i) => places.findIndex((p) => p.dir === place.dir) === i);
}

function namesIn(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -5))
    .sort();
}

/** Resolves NAME or a path to an existing file; an unknown NAME's message lists where it looked and what is there. */
export function resolveNamedFile(kind: NamedFileKind, nameOrPath: string, cwd = process.cwd()): string {
  if (kind.namePattern.test(nameOrPath) && !nameOrPath.endsWith('.json')) {
    const places = searchPlaces(kind, cwd);
    for (const place of places) {
      const file = join(place.dir, `${nameOrPath}.json`);
      if (existsSync(file)) return file;
    }
    const looked = places.map((p) => {
      const names = namesIn(p.dir);
      return `${p.label} (${p.dir}${names.length > 0 ? `: ${names.join(', ')}` : existsSync(p.dir) ? ': none' : ': no such folder'})`;
    });
    const home = process.env.CAPSIM_HOME ? '' : '; CAPSIM_HOME is not set';
    throw new UserError(`unknown ${kind.what} "${nameOrPath}": no ${nameOrPath}.json in ${looked.join(', ')}${home} (or give a path to a JSON file)`);
  }
  const path = isAbsolute(nameOrPath) ? nameOrPath : resolve(cwd, nameOrPath);
  if (!existsSync(path)) throw new UserError(`${kind.what} file ${nameOrPath} does not exist`);
  return path;
}
