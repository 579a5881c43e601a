import { readFileSync } from 'node:fs';
import { UserError } from '../errors.js';

/**
 * Small helpers for reading the JSON data files in models/ with one-line
 * errors that name the file, the entry and the field. `where` is the prefix of
 * every message, e.g. `models/instances.json: instances[3] "t3.small"`.
 */

export type JsonObject = Record<string, unknown>;

/** Reads and parses a JSON file; a missing file or bad JSON is a UserError naming the file. */
export function readJsonFile(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(`${what} ${path} cannot be read (${code ?? String(error)})`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UserError(`${what} ${path} is not valid JSON: ${(error as Error).message}`);
  }
}

/** Short rendering of a value for "(got ...)" in messages. */
export function shown(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

export function expectObject(value: unknown, where: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UserError(`${where}: expected an object (got ${shown(value)})`);
  }
  return value as JsonObject;
}

export function expectArray(obj: JsonObject, key: string, where: string): unknown[] {
  const value = obj[key];
  if (!Array.isArray(value)) throw new UserError(`${where}: field "${key}" must be an array (got ${shown(value)})`);
  return value;
}

export interface NumberRule {
  integer?: boolean;
  /** Inclusive lower bound. */
  min?: number;
  /** Exclusive lower bound. */
  above?: number;
  /** Inclusive upper bound. */
  max?: number;
}

function describeRule(rule: NumberRule): string {
  const parts = [rule.integer ? 'a whole number' : 'a number'];
  if (rule.above !== undefined) parts.push(`> ${rule.above}`);
  if (rule.min !== undefined) parts.push(`>= ${rule.min}`);
  if (rule.max !== undefined) parts.push(`<= ${rule.max}`);
  return parts.join(' ');
}

/** Checks a number against a rule; returns it or throws `${where}: ${label} must be ...`. */
export function checkNumber(value: unknown, rule: NumberRule, where: string, label: string): number {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (!rule.integer || Number.isInteger(value)) &&
    (rule.min === undefined || value >= rule.min) &&
    (rule.above === undefined || value > rule.above) &&
    (rule.max === undefined || value <= rule.max);
  if (!ok) throw new UserError(`${where}: ${label} must be ${describeRule(rule)} (got ${shown(value)})`);
  return value as number;
}

export function requireNumber(obj: JsonObject, key: string, where: string, rule: NumberRule = {}): number {
  return checkNumber(obj[key], rule, where, `field "${key}"`);
}

export function requireString(obj: JsonObject, key: string, where: string, pattern?: RegExp, expected?: string): string {
  const value = obj[key];
  if (typeof value !== 'string' || value.trim() === '' || (pattern !== undefined && !pattern.test(value))) {
    const what = expected ?? (pattern ? `a string matching ${pattern}` : 'a non-empty string');
    throw new UserError(`${where}: field "${key}" must be ${what} (got ${shown(value)})`);
  }
  return value;
}

export function requireOneOf<T extends string>(obj: JsonObject, key: string, where: string, allowed: readonly T[]): T {
  const value = obj[key];
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new UserError(`${where}: field "${key}" must be one of ${allowed.map((a) => `"${a}"`).join(', ')} (got ${shown(value)})`);
  }
  return value as T;
}

/** A string or an array of strings (free-text notes such as `source`). */
export function requireText(obj: JsonObject, key: string, where: string): string[] {
  const value = obj[key];
  if (typeof value === 'string' && value.trim() !== '') return [value];
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string' && v.trim() !== '')) {
    return value as string[];
  }
  throw new UserError(`${where}: field "${key}" must be a non-empty string or array of strings (got ${shown(value)})`);
}

/** Rejects keys not in `allowed`: a misspelt field is an error, not a silently ignored one. */
export function rejectUnknownKeys(obj: JsonObject, allowed: readonly string[], where: string): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) {
      throw new UserError(`${where}: unknown field "${key}" (allowed: ${allowed.join(', ')})`);
    }
  }
}

/** A `fields` documentation list: [{ name, unit, meaning }]. Returns the documented names. */
export function requireFieldDocs(obj: JsonObject, where: string): Set<string> {
  const docs = expectArray(obj, 'fields', where);
  const names = new Set<string>();
  docs.forEach((doc, index) => {
    const at = `${where}: fields[${index}]`;
    const entry = expectObject(doc, at);
    const name = requireString(entry, 'name', at);
    if (typeof entry.unit !== 'string') throw new UserError(`${at}: field "unit" must be a string ("" when unitless) (got ${shown(entry.unit)})`);
    requireString(entry, 'meaning', at);
    names.add(name);
  });
  return names;
}

/** The YYYY-MM-DD date pattern used by priceDate fields. */
export const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
