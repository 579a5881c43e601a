/**
 * Which of the index's projects a validate run installs, and how it picks
 * among them: `--projects a,b,c` or `--projects @file` (one name a line, `#`
 * comments) names them; without it every project the index lists is a
 * candidate. `--project-pick uniform` gives each candidate the same chance,
 * `weighted` a chance proportional to its file count (real popularity is not
 * known; a project with many releases stands in for a busy one).
 */
import { existsSync, readFileSync } from 'node:fs';
import { UserError } from '../errors.js';
import { checkRequirements } from '../scenario/load.js';

export type ProjectPick = 'uniform' | 'weighted';
export const PROJECT_PICKS: readonly ProjectPick[] = ['uniform', 'weighted'];

/** PEP 503 normalized name: runs of -, _ and . become one -, lower case. */
export function normalizeProjectName(name: string): string {
  return name.replace(/[-_.]+/g, '-').toLowerCase();
}

/** A valid project name (PEP 508): letters and digits, with -, _ or . inside. */
const NAME = /^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/;

/** Parses `--projects`: "a,b,c" or "@FILE"; normalized, duplicates dropped, order kept. */
export function parseProjectsFlag(raw: string): string[] {
  const text = raw.trim();
  let names: string[];
  let where: string;
  if (text.startsWith('@')) {
    const file = text.slice(1);
    if (file === '') throw new UserError('--projects @FILE: give a file name after @');
    if (!existsSync(file)) throw new UserError(`--projects ${text}: file ${file} does not exist`);
    let content: string;
    try {
      content = readFileSync(file, 'utf8');
    } catch (error) {
      throw new UserError(`--projects ${text}: cannot read ${file}: ${(error as Error).message}`);
    }
    names = content.split('\n').map((line) => line.replace(/#.*/, '').trim()).filter(Boolean);
    where = `--projects ${text}`;
  } else {
    names = text.split(',').map((name) => name.trim()).filter(Boolean);
    where = '--projects';
  }
  if (names.length === 0) throw new UserError(`${where}: names no project`);
  for (const name of names) {
    if (!NAME.test(name)) throw new UserError(`${where}: "${name}" is not a project name (letters, digits, and - _ . inside)`);
  }
  return [...new Set(names.map(normalizeProjectName))];
}

export function parseProjectPick(raw: string | undefined): ProjectPick {
  if (raw === undefined) return 'uniform';
  if ((PROJECT_PICKS as readonly string[]).includes(raw)) return raw as ProjectPick;
  throw new UserError(`--project-pick: expected uniform or weighted, got "${raw}"`);
}

/**
 * `--requirements N` (each install fetches N different projects, picked like single installs) or
 * `--requirements FILE` (a pip requirements file: each install fetches its projects, in its order). Of a
 * file's lines, comments, blank lines and options (`-r`, `--index-url`, ...) are skipped; a line's project is
 * its name before any extra, version specifier, marker or URL.
 */
export function parseRequirementsFlag(raw: string): { count: number } | { names: string[]; file: string } {
  const text = raw.trim();
  if (/^[+-]?\d+$/.test(text)) return { count: checkRequirements(Number(text)) };
  if (!existsSync(text)) throw new UserError(`--requirements ${raw}: neither a number of projects per install (1 to 1000) nor an existing requirements file`);
  const names: string[] = [];
  for (const line of readFileSync(text, 'utf8').split('\n')) {
    const body = line.replace(/(^|\s)#.*$/, '').trim();
    if (body === '' || body.startsWith('-')) continue;
    const m = /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)/.exec(body);
    if (!m) throw new UserError(`--requirements ${raw}: cannot read a project name from "${body}"`);
    names.push(normalizeProjectName(m[1]));
  }
  const unique = [...new Set(names)];
  if (unique.length === 0) throw new UserError(`--requirements ${raw}: the file names no project`);
  checkRequirements(unique.length, `--requirements ${raw}: its number of projects`);
  return { names: unique, file: text };
}
