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
