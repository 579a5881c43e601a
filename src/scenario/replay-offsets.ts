import { readFileSync } from 'node:fs';
import { UserError } from '../errors.js';
import { shown } from '../input/data-file.js';

/** The longest run a scenario describes, seconds (24 h): durations, stages and replay offsets alike. */
export const MAX_RUN_SECONDS = 86400;

/** A replay file's offsets, ascending, and for each the index in `names` of the name after it (-1: none). */
export interface ReplayFile {
  seconds: number[];
  names: number[];
}

/**
 * Start offsets, in seconds, of a replay profile's file: a JSON array, or
 * numbers separated by white space or new lines with `#` comments. The one
 * parser `predict` and `validate` share; every problem is one line naming the file.
 */
export function readReplayOffsets(file: string): number[] {
  return readReplayFile(file).seconds;
}

/**
 * A replay file whose offsets may each be followed by one of `names` (the
 * flow-mix entry of that install: `12.5 poetry`); without names, as
 * readReplayOffsets. Offsets and names stay paired when sorted.
 */
export function readReplayFile(file: string, allowed: readonly string[] = []): ReplayFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UserError(`replay file ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  const trimmed = text.trimStart();
  const values: number[] = [];
  const named: number[] = [];
  let anyName = false;
  if (trimmed.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch (error) {
      throw new UserError(`replay file ${file} is not a valid JSON array: ${(error as Error).message}`);
    }
    if (!Array.isArray(parsed)) throw new UserError(`replay file ${file} must hold a JSON array of seconds`);
    parsed.forEach((value, i) => {
      values.push(checkedSeconds(typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN, value, file, i + 1));
      named.push(-1);
    });
  } else {
    // Scanned in place, line by line: a replay of millions of installs builds no array of lines or words.
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
        if (j > i) {
          const word = text.slice(i, j);
          const name = allowed.length > 0 && named.length > 0 && named[named.length - 1] === -1 ? allowed.indexOf(word) : -1;
          if (name >= 0) {
            named[named.length - 1] = name;
            anyName = true;
          } else {
            const seconds = Number(word);
            if (!Number.isFinite(seconds) && allowed.length > 0 && named.length > 0 && named[named.length - 1] === -1 && /^[A-Za-z]/.test(word)) {
              throw new UserError(`replay file ${file}: "${word.slice(0, 40)}" after entry ${values.length} is not one of the flowMix names (${allowed.join(', ')})`);
            }
            values.push(checkedSeconds(seconds, word, file, values.length + 1, allowed));
            named.push(-1);
          }
        }
        i = j;
      }
      at = end + 1;
    }
  }
  if (values.length === 0) throw new UserError(`replay file ${file} holds no start offsets: a replay needs at least one install`);
  if (!anyName) return { seconds: Array.from(Float64Array.from(values).sort()), names: named };
  const order = new Uint32Array(values.length);
  for (let k = 0; k < order.length; k++) order[k] = k;
  order.sort((a, b) => values[a] - values[b] || a - b);
  return { seconds: Array.from(order, (k) => values[k]), names: Array.from(order, (k) => named[k]) };
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 11 || c === 12;
}

/** An offset as read (`raw`, shown in the message) checked to lie within the longest run. */
function checkedSeconds(seconds: number, raw: unknown, file: string, entry: number, names: readonly string[] = []): number {
  if (!Number.isFinite(seconds) || seconds < 0 || seconds > MAX_RUN_SECONDS) {
    const or = names.length > 0 ? `; after it, optionally, one of ${names.join(', ')}` : '';
    throw new UserError(`replay file ${file}: entry ${entry} must be a number of seconds from 0 to ${MAX_RUN_SECONDS} (24 h, the longest run), got ${shown(raw)}${or}`);
  }
  return seconds;
}
