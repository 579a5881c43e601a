import { isUserError } from '../errors.js';
import { closestNames } from '../input/closest-names.js';
import { configSourceOf } from './config-values.js';
import { EXIT, exitName } from './exit-codes.js';

interface OclifLikeError {
  message?: string;
  code?: string;
  oclif?: { exit?: number };
  stack?: string;
  /** oclif's NonExistentFlagsError: the unknown flags as typed, and the command's flag definitions. */
  flags?: string[];
  parse?: { input?: { flags?: Record<string, { hidden?: boolean; char?: string }> } };
}

/** Keeps the first meaningful line of a message and strips terminal colours. */
export function oneLine(message: string): string {
  // eslint-disable-next-line no-control-regex
  const plain = message.replace(/\u001b\[[0-9;]*m/g, '');
  const lines = plain
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !line.startsWith('See more help with'));
  // oclif prefixes a failed custom flag parser with "Parsing --flag"; our message already names the flag.
  return lines
    .join(' ')
    .replace(/\s+/g, ' ')
    .replace(/^Parsing --[\w-]+ (?=--)/, '')
    .slice(0, 600);
}

/**
 * Prints an error as one line on stderr and returns the exit code: 2 for bad
 * input (our UserError and oclif's flag/argument errors), the error's own code
 * for an explicit exit, 1 for anything unexpected. Set CAPSIM_DEBUG=1 for the stack.
 * With `json` (the command line has --json) the same error is also a JSON
 * object on stdout, `{"error": {"code": "badInput", "exitCode": 2, "message": ...}}`,
 * so a script reading stdout never gets an empty or half-written document.
 */
export function reportFatal(error: unknown, options: { json?: boolean } = {}): number {
  const err = (error ?? {}) as OclifLikeError;
  if (err.code === 'EEXIT') return err.oclif?.exit ?? EXIT.ok;
  if (process.env.CAPSIM_DEBUG && err.stack) process.stderr.write(`${err.stack}\n`);
  const [line, code] = describe(error, err);
  process.stderr.write(`capsim: ${line}\n`);
  if (options.json) process.stdout.write(`${JSON.stringify({ error: { code: exitName(code), exitCode: code, message: line } }, null, 2)}\n`);
  return code;
}

function describe(error: unknown, err: OclifLikeError): [string, number] {
  if (isUserError(error)) return [fromConfigFile(oneLine(error.message)), error.exitCode];
  const message = oneLine(String(err.message ?? error));
  // oclif parse errors (unknown flag, bad option) are input errors.
  if (err.oclif?.exit !== undefined) return [`${message}${flagSuggestion(err)}`, err.oclif.exit === 1 ? EXIT.internal : err.oclif.exit];
  return [`internal error: ${message} (set CAPSIM_DEBUG=1 for details)`, EXIT.internal];
}

/** "; did you mean --workers?" for an unknown flag, from the command's own (visible) flags. */
function flagSuggestion(err: OclifLikeError): string {
  const defined = err.parse?.input?.flags;
  if (!Array.isArray(err.flags) || !defined) return '';
  const known = Object.entries(defined).filter(([, flag]) => !flag.hidden).map(([name]) => name);
  const hints = err.flags.map((typed) => {
    const best = closestNames(typed.replace(/^-+/, '').replace(/=.*$/, ''), known, 1)[0];
    return best ? `--${best}` : undefined;
  }).filter((hint): hint is string => hint !== undefined);
  return hints.length > 0 ? `; did you mean ${[...new Set(hints)].join(', ')}? (--help lists the flags)` : '';
}

/**
 * A refused value capsim.json supplied (the first flag the message names) is reported as the file's field,
 * `FILE: field "tasks": --tasks must be ...`, as the file's own checks report it.
 */
function fromConfigFile(message: string): string {
  const flag = /--([a-z][\w-]*)/.exec(message)?.[1];
  const where = flag !== undefined ? configSourceOf(flag) : undefined;
  return where !== undefined && !message.startsWith(where) ? `${where}: ${message}` : message;
}
