import { readFileSync } from 'node:fs';
import { UserError } from '../errors.js';

/**
 * Start offsets, in seconds, of a replay profile's file: a JSON array, or
 * numbers separated by white space or new lines with `#` comments. The one
 * parser `predict` and `validate` share; every problem is one line naming the file.
 */
export function readReplayOffsets(file: string): number[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UserError(`replay file ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  const trimmed = text.trimStart();
  let values: number[];
  if (trimmed.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch (error) {
      throw new UserError(`replay file ${file} is not a valid JSON array: ${(error as Error).message}`);
    }
    if (!Array.isArray(parsed)) throw new UserError(`replay file ${file} must hold a JSON array of seconds`);
    values = parsed.map((value, i) => checkedSeconds(typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN, file, i + 1));
  } else {
    // Scanned in place, line by line: a replay of millions of installs builds no array of lines or words.
    values = [];
    let at = 0;
    // The next '#' at or after `at` (searched again only once passed: one search per comment, not per line).
    let hash = -1;
    while (at < text.length) {
      let end = text.indexOf('\n', at);
      if (end < 0) end = text.length;
      if (hash !== Infinity && hash < at) {
        hash = text.indexOf('#', at);
        if (hash < 0) hash = Infinity;
      }
      const stop = hash < end ? hash : end;
      let i = at;
      while (i < stop) {
        while (i < stop && isSpace(text.charCodeAt(i))) i++;
        let j = i;
        while (j < stop && !isSpace(text.charCodeAt(j))) j++;
        if (j > i) values.push(checkedSeconds(Number(text.slice(i, j)), file, values.length + 1));
        i = j;
      }
      at = end + 1;
    }
  }
  return Array.from(Float64Array.from(values).sort());
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 11 || c === 12;
}

function checkedSeconds(seconds: number, file: string, entry: number): number {
  if (!Number.isFinite(seconds) || seconds < 0) throw new UserError(`replay file ${file}: entry ${entry} must be a number of seconds >= 0`);
  return seconds;
}
