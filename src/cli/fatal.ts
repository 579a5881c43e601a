import { isUserError } from '../errors.js';

interface OclifLikeError {
  message?: string;
  code?: string;
  oclif?: { exit?: number };
  stack?: string;
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
 */
export function reportFatal(error: unknown): number {
  const err = (error ?? {}) as OclifLikeError;
  if (err.code === 'EEXIT') return err.oclif?.exit ?? 0;
  if (process.env.CAPSIM_DEBUG && err.stack) process.stderr.write(`${err.stack}\n`);
  if (isUserError(error)) {
    process.stderr.write(`capsim: ${oneLine(error.message)}\n`);
    return error.exitCode;
  }
  const message = oneLine(String(err.message ?? error));
  if (err.oclif?.exit !== undefined) {
    // oclif parse errors (unknown flag, bad option) are input errors.
    process.stderr.write(`capsim: ${message}\n`);
    return err.oclif.exit === 1 ? 1 : 2;
  }
  process.stderr.write(`capsim: internal error: ${message} (set CAPSIM_DEBUG=1 for details)\n`);
  return 1;
}
