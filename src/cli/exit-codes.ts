/**
 * Exit codes of capsim's commands: the one table (the README's "Exit codes"
 * section is this list, and a test keeps them equal). 99 is k6's code for
 * failed thresholds, so CI scripts written for k6 read capsim's gates the
 * same way.
 */
export const EXIT = {
  ok: 0,
  /** A bug or an environment failure capsim did not expect (CAPSIM_DEBUG=1 prints the stack). */
  internal: 1,
  /** Bad input: an unknown command or flag, a bad value, a malformed or missing file. */
  badInput: 2,
  /** A live run stopped by --max-error-rate (partial results kept). */
  aborted: 3,
  /** plan: no candidate sizing meets the SLO (nothing recommended, no tfvars written). */
  noSizingMeetsSlo: 4,
  /** verify: a simulation-kernel check disagrees with queueing theory. */
  verifyCheckFailed: 5,
  /** A --threshold or a compare tolerance failed (results are complete and written). */
  thresholdFailed: 99,
  /** Interrupted by SIGINT or SIGTERM (results so far written, marked interrupted). */
  interrupted: 130,
} as const;

export type ExitName = keyof typeof EXIT;

/** What each code means, as the README's table says it. */
export const EXIT_MEANINGS: Record<ExitName, string> = {
  ok: 'success (for a gate: every threshold held)',
  internal: 'internal error: a bug or an unexpected environment failure (set CAPSIM_DEBUG=1 for the stack)',
  badInput: 'bad input: unknown command or flag, bad value, missing or malformed file or config',
  aborted: 'validate stopped by --max-error-rate; partial results written',
  noSizingMeetsSlo: 'plan: no candidate sizing meets the SLO (no recommendation, no tfvars)',
  verifyCheckFailed: 'verify: a kernel check disagrees with queueing theory',
  thresholdFailed: 'a --threshold, --abort-on-fail or compare tolerance failed; results complete and written',
  interrupted: 'interrupted (SIGINT / SIGTERM); results so far written, marked interrupted',
};

/** The name of an exit code (the `code` of a JSON error), e.g. 2 -> "badInput". */
export function exitName(code: number): ExitName {
  const found = (Object.keys(EXIT) as ExitName[]).find((name) => EXIT[name] === code);
  return found ?? 'internal';
}
