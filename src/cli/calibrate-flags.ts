import { UserError } from '../errors.js';
import type { Algorithm } from '../model/balancer/config.js';
import type { WorkerClass } from '../model/gunicorn.js';
import type { PartialSizing } from '../calibrate/run-sizing.js';
import type { Bounds } from '../calibrate/transform.js';
import { sizingFlags } from './sizing-flags.js';
import { finiteNumber, parseAssignments } from './set-flags.js';

export { parseAssignments };

/**
 * The sizing flags of predict without their defaults: for calibrate they only
 * fill in what a run file does not say, and a default would be a silent guess.
 */
export const sizingFlagsWithoutDefaults = Object.fromEntries(
  Object.entries(sizingFlags).map(([name, flag]) => [name, { ...flag, default: undefined }]),
) as unknown as typeof sizingFlags;

/** What the sizing flags say (only the flags given). */
export function partialSizingOf(flags: Record<string, unknown>): PartialSizing {
  const out: PartialSizing = {};
  const take = <K extends keyof PartialSizing>(key: K, flag: string) => {
    if (flags[flag] !== undefined) out[key] = flags[flag] as PartialSizing[K];
  };
  take('instance', 'instance');
  take('vcpus', 'vcpus');
  take('memoryGiB', 'memory-gb');
  take('instances', 'instances');
  take('tasks', 'tasks');
  take('workers', 'workers');
  if (flags['worker-class'] !== undefined) out.workerClass = flags['worker-class'] as WorkerClass;
  if (flags.algorithm !== undefined) out.algorithm = flags.algorithm as Algorithm;
  take('lorFeedbackMs', 'lor-feedback-ms');
  take('containerMemoryMb', 'container-memory');
  if (flags.stickiness !== undefined) out.stickiness = flags.stickiness as PartialSizing['stickiness'];
  return out;
}

/** `--fit a,b --fit c` -> [a, b, c]. */
export function parseFitList(entries: string[]): string[] {
  const names = entries.flatMap((e) => e.split(',')).map((n) => n.trim());
  if (names.some((n) => n === '')) throw new UserError(`--fit expects PARAM[,PARAM...], got "${entries.join(' ')}"`);
  return names;
}

/** `NAME=LO:HI` entries (--bounds) -> { NAME: { lo, hi } }. */
export function parseBounds(entries: string[]): Record<string, Bounds> {
  const out: Record<string, Bounds> = {};
  for (const entry of entries) {
    const match = /^([\w.]+)=([^:]+):([^:]+)$/.exec(entry.trim());
    if (!match) throw new UserError(`--bounds expects NAME=LO:HI, got "${entry}"`);
    if (match[1] in out) throw new UserError(`--bounds names ${match[1]} twice`);
    out[match[1]] = { lo: finiteNumber('--bounds', match[1], match[2]), hi: finiteNumber('--bounds', match[1], match[3]) };
  }
  return out;
}
