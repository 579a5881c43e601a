/**
 * The period an import keeps: everything, [--from, --to), or the busiest
 * stretch of a given length (`--busiest 10m`: the window with the most
 * requests, at one-second steps, inside --from/--to when given).
 */
import { UserError } from '../../errors.js';

export interface WindowRequest {
  fromMs?: number;
  toMs?: number;
  busiestSeconds?: number;
}

/** "10m", "90s", "1h30m", "2h" -> seconds; anything else (or 0) is a UserError naming the flag. */
export function parseDuration(flag: string, raw: string): number {
  const text = raw.trim().toLowerCase();
  const match = /^(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m)?(?:(\d+(?:\.\d+)?)s)?$/.exec(text);
  if (!match || text === '' || (match[1] === undefined && match[2] === undefined && match[3] === undefined)) {
    throw new UserError(`--${flag} must be a duration like 10m, 90s or 1h30m, got "${raw}"`);
  }
  const seconds = Number(match[1] ?? 0) * 3600 + Number(match[2] ?? 0) * 60 + Number(match[3] ?? 0);
  if (!(seconds >= 1)) throw new UserError(`--${flag} must be at least 1 s, got "${raw}"`);
  if (seconds > 31 * 86400) throw new UserError(`--${flag} must be at most 31 days, got "${raw}"`);
  return seconds;
}

/** An ISO 8601 time (UTC unless it names a zone: 2025-06-03T10:20:00Z, 2025-06-03 10:20) -> epoch ms. */
export function parseTimeFlag(flag: string, raw: string): number {
  const text = raw.trim().replace(' ', 'T');
  const zoned = /(Z|[+-]\d\d:?\d\d)$/i.test(text) ? text : `${text}Z`;
  const ms = /^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(text) ? Date.parse(zoned) : NaN;
  if (!Number.isFinite(ms)) throw new UserError(`--${flag} must be an ISO 8601 time like 2025-06-03T10:20:00Z, got "${raw}"`);
  return ms;
}

/** Checks a window request; --to must come after --from. */
export function checkWindow(w: WindowRequest): void {
  if (w.fromMs !== undefined && w.toMs !== undefined && !(w.toMs > w.fromMs)) {
    throw new UserError(`--to (${new Date(w.toMs).toISOString()}) must be after --from (${new Date(w.fromMs).toISOString()})`);
  }
}

/**
 * Start index of the `length`-second run of `perSecond` with the most
 * requests (the earliest of equals).
 */
export function busiestStart(perSecond: Float64Array, length: number): number {
  const n = perSecond.length;
  if (n <= length) return 0;
  let sum = 0;
  for (let s = 0; s < length; s++) sum += perSecond[s];
  let best = sum;
  let bestStart = 0;
  for (let s = length; s < n; s++) {
    sum += perSecond[s] - perSecond[s - length];
    if (sum > best) {
      best = sum;
      bestStart = s - length + 1;
    }
  }
  return bestStart;
}
