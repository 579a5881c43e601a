import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command, Config } from '@oclif/core';
import { UserError } from '../errors.js';
import { closestNames } from '../input/closest-names.js';
import { expectObject, type JsonObject, readJsonFile, shown } from '../input/data-file.js';
import { recordConfigValue } from './config-values.js';
import { oneLine } from './fatal.js';

/**
 * capsim.json: defaults for any flag, so a team writes its region, calibration,
 * scenario and thresholds once. Found as ./capsim.json in the working
 * directory, or named with `--config FILE` on any command. A top-level key is
 * a flag name and applies to every command that has that flag; a key under
 * "commands" → "predict" applies to that command only (and wins). Flags on
 * the command line win over both. The file is checked like every data file:
 * one line naming the file and the field, before anything runs.
 *
 *   { "region": "eu-west-1", "calibration": "mine", "threshold": ["p95<15000"],
 *     "commands": { "plan": { "replications": 3 } } }
 */
export const CONFIG_FILE = 'capsim.json';

export interface ConfigDefaults {
  file: string;
  /** Flag name -> value, for every command that has the flag. */
  shared: JsonObject;
  /** Command id -> flag name -> value. */
  commands: Record<string, JsonObject>;
}

/** Takes `--config FILE` / `--config=FILE` out of argv (every command accepts it). */
export function takeConfigFlag(argv: string[]): { argv: string[]; config?: string } {
  const rest: string[] = [];
  let config: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    if (arg === '--config') {
      if (i + 1 >= argv.length) throw new UserError('--config needs a FILE (a capsim.json)');
      config = argv[++i];
    } else if (arg.startsWith('--config=')) {
      config = arg.slice('--config='.length);
    } else {
      rest.push(arg);
    }
  }
  return { argv: rest, config };
}

/** The config file in force: --config FILE (must exist), else ./capsim.json when there is one. */
export function findConfigFile(given: string | undefined, cwd = process.cwd()): string | undefined {
  if (given !== undefined) {
    const path = resolve(cwd, given);
    if (!existsSync(path)) throw new UserError(`--config ${given} does not exist`);
    return path;
  }
  const local = resolve(cwd, CONFIG_FILE);
  return existsSync(local) ? local : undefined;
}

type FlagValue = string | number | boolean | string[] | number[];

function checkValueShape(value: unknown, where: string): FlagValue {
  if (typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) return value;
  if (Array.isArray(value) && value.length > 0 && (value.every((v) => typeof v === 'string') || value.every((v) => typeof v === 'number' && Number.isFinite(v)))) {
    return value as string[] | number[];
  }
  throw new UserError(`${where} must be a string, a number, true/false or a non-empty list of strings or numbers (got ${shown(value)})`);
}

/** Reads and checks the structure of a config file against the commands' flags (names only; values are checked per command). */
export function readConfigFile(file: string, config: Config): ConfigDefaults {
  const root = expectObject(readJsonFile(file, 'config file'), file);
  const commandIds = config.commands.filter((c) => !c.hidden).map((c) => c.id);
  const flagsOf = (id: string) => Object.keys(config.findCommand(id)?.flags ?? {});
  const everyFlag = [...new Set(commandIds.flatMap(flagsOf))].sort();
  const shared: JsonObject = {};
  const commands: Record<string, JsonObject> = {};
  for (const [key, value] of Object.entries(root)) {
    if (key === 'commands') continue;
    if (!everyFlag.includes(key)) throw new UserError(`${file}: field "${key}" is not a flag of any command; did you mean ${closestNames(key, everyFlag).join(', ')}?`);
    shared[key] = checkValueShape(value, `${file}: field "${key}"`);
  }
  if (root.commands !== undefined) {
    const sections = expectObject(root.commands, `${file}: field "commands"`);
    for (const [id, section] of Object.entries(sections)) {
      if (!commandIds.includes(id)) throw new UserError(`${file}: field "commands.${id}": no such command; did you mean ${closestNames(id, commandIds, 1).join(', ')}?`);
      const flags = expectObject(section, `${file}: field "commands.${id}"`);
      const known = flagsOf(id);
      for (const [key, value] of Object.entries(flags)) {
        if (!known.includes(key)) throw new UserError(`${file}: field "commands.${id}.${key}": capsim ${id} has no flag --${key}; did you mean ${closestNames(key, known).join(', ')}?`);
        flags[key] = checkValueShape(value, `${file}: field "commands.${id}.${key}"`);
      }
      commands[id] = flags;
    }
  }
  return { file, shared, commands };
}

type FlagDefinition = {
  type: 'boolean' | 'option';
  char?: string;
  aliases?: string[];
  allowNo?: boolean;
  multiple?: boolean;
  options?: readonly string[];
  parse?: (input: string, context: unknown, opts: unknown) => Promise<unknown>;
};

/** True when argv already sets the flag (--name, --name=..., --no-name, -c, an alias). */
function givenOnCommandLine(argv: string[], name: string, flag: FlagDefinition): boolean {
  const spellings = [name, ...(flag.aliases ?? [])];
  return argv.some((arg) => {
    if (arg === '--') return false;
    const bare = arg.replace(/=.*$/, '');
    if (spellings.some((s) => bare === `--${s}` || bare === `--no-${s}`)) return true;
    return flag.char !== undefined && (arg === `-${flag.char}` || arg.startsWith(`-${flag.char}=`));
  });
}

/**
 * argv with the config's defaults for `id` added where the command line does
 * not set the flag. Every value goes through the flag's own checks first, so a
 * bad one is one line naming the file and field, whatever the command.
 */
export async function withConfigDefaults(argv: string[], id: string, command: Command.Class, defaults: ConfigDefaults): Promise<string[]> {
  const flags = (command.flags ?? {}) as Record<string, FlagDefinition>;
  const values: Array<[string, FlagValue, string]> = [];
  for (const [key, value] of Object.entries(defaults.shared)) if (key in flags) values.push([key, value as FlagValue, key]);
  for (const [key, value] of Object.entries(defaults.commands[id] ?? {})) values.push([key, value as FlagValue, `commands.${id}.${key}`]);
  const chosen = new Map(values.map(([key, value, field]) => [key, { value, field }]));
  const added: string[] = [];
  for (const [key, { value, field }] of chosen) {
    const flag = flags[key];
    const where = `${defaults.file}: field "${field}"`;
    // Checked even when the command line overrides it: a bad file is reported the first time it is read.
    const given = givenOnCommandLine(argv, key, flag);
    if (flag.type === 'boolean') {
      if (typeof value !== 'boolean') throw new UserError(`${where}: --${key} is a switch: use true or false (got ${shown(value)})`);
      if (given) continue;
      if (value) added.push(`--${key}`);
      else if (flag.allowNo) added.push(`--no-${key}`);
      if (value || flag.allowNo) recordConfigValue(key, where);
      continue;
    }
    if (typeof value === 'boolean') throw new UserError(`${where}: --${key} takes a value (got ${value})`);
    const items = (Array.isArray(value) ? value : [value]).map(String);
    if (items.length > 1 && !flag.multiple) throw new UserError(`${where}: --${key} takes one value (got a list of ${items.length})`);
    for (const item of items) {
      if (flag.options && !flag.options.includes(item)) throw new UserError(`${where}: "${item}" is not one of ${flag.options.join(', ')}`);
      if (flag.parse) {
        try {
          await flag.parse(item, {}, flag);
        } catch (error) {
          throw new UserError(`${where}: ${oneLine((error as Error).message)}`);
        }
      }
      if (!given) added.push(`--${key}=${item}`);
    }
    if (!given) recordConfigValue(key, where);
  }
  const end = argv.indexOf('--');
  return end < 0 ? [...argv, ...added] : [...argv.slice(0, end), ...added, ...argv.slice(end)];
}

/** The command an argv runs: the longest run of leading words that names one ("scenario import" -> scenario:import). */
function commandIdOf(argv: string[], config: Config): string | undefined {
  const words: string[] = [];
  for (const arg of argv) {
    if (arg.startsWith('-')) break;
    words.push(arg);
  }
  for (let n = words.length; n > 0; n--) {
    const id = words.slice(0, n).join(':');
    if (config.findCommand(id)) return id;
  }
  return undefined;
}

/**
 * What bin/run.js hands to oclif: argv without --config, with the defaults of
 * the config file in force (--config FILE, else ./capsim.json) for the
 * command it runs. Help and unknown commands get argv as typed.
 */
export async function applyConfigFile(rawArgv: string[], config: Config, cwd = process.cwd()): Promise<string[]> {
  const { argv, config: given } = takeConfigFlag(rawArgv);
  const file = findConfigFile(given, cwd);
  if (file === undefined || argv.some((a) => a === '--help' || a === '-h')) return argv;
  const id = commandIdOf(argv, config);
  if (id === undefined) return argv;
  const defaults = readConfigFile(file, config);
  const command = await config.findCommand(id)!.load();
  return withConfigDefaults(argv, id, command, defaults);
}
