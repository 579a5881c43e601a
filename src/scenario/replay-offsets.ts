import { readFileSync } from 'node:fs';
import { UserError } from '../errors.js';
import { shown } from '../input/data-file.js';

/** The longest run a scenario describes, seconds (24 h): durations, stages and replay offsets alike. */
export const MAX_RUN_SECONDS = 86400;

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
  let values: unknown[];
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) {
    try {
      values = JSON.parse(trimmed) as unknown[];
    } catch (error) {
      throw new UserError(`replay file ${file} is not a valid JSON array: ${(error as Error).message}`);
    }
    if (!Array.isArray(values)) throw new UserError(`replay file ${file} must hold a JSON array of seconds`);
  } else {
    values = text
      .split('\n')
      .map((line) => line.replace(/#.*/, ''))
      .flatMap((line) => line.trim().split(/\s+/))
      .filter((word) => word !== '');
  }
  if (values.length === 0) throw new UserError(`replay file ${file} holds no start offsets: a replay needs at least one install`);
  return values
    .map((value, i) => {
      const seconds = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
      if (!Number.isFinite(seconds) || seconds < 0 || seconds > MAX_RUN_SECONDS) {
        throw new UserError(`replay file ${file}: entry ${i + 1} must be a number of seconds from 0 to ${MAX_RUN_SECONDS} (24 h, the longest run), got ${shown(value)}`);
      }
      return seconds;
    })
    .sort((a, b) => a - b);
}
