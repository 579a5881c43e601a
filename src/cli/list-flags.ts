import { UserError } from '../errors.js';
import { parseWholeNumber } from './flags.js';

/** "a, b,c" -> ["a", "b", "c"]; an empty list is one clear line naming the flag. */
export function splitList(flag: string, raw: string): string[] {
  const items = raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (items.length === 0) throw new UserError(`--${flag} must list at least one value (comma-separated), got "${raw}"`);
  return items;
}

/** A parser for a comma-separated list of whole numbers within [min, max]. */
export function wholeList(flag: string, min: number, max: number) {
  return async (raw: string) => splitList(flag, raw).map((item) => parseWholeNumber(flag, item, min, max));
}

/** A parser for a comma-separated list of names from `options`. */
export function choiceList<T extends string>(flag: string, options: readonly T[]) {
  return async (raw: string) =>
    splitList(flag, raw).map((item) => {
      if (!(options as readonly string[]).includes(item)) throw new UserError(`--${flag}: unknown value "${item}"; use ${options.join(', ')}`);
      return item as T;
    });
}
