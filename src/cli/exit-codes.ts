/**
 * Exit codes of capsim's commands. 99 is k6's code for failed thresholds, so
 * CI scripts written for k6 read capsim's gates the same way.
 */
export const EXIT = {
  ok: 0,
  internal: 1,
  badInput: 2,
  /** A live run stopped by --max-error-rate (partial results kept). */
  aborted: 3,
  /** A --threshold or a compare tolerance failed (results are complete and written). */
  thresholdFailed: 99,
  interrupted: 130,
} as const;
