/**
 * A directory a capsim run writes its results into (validate's --out-dir, every
 * --csv DIR), held for the run by an exclusive lock file:
 * - a path that is a file, or under a place that takes no new files, is one
 *   line before any work (output-path.ts);
 * - `.capsim.lock` is created exclusively and holds the holder's pid, start
 *   time and command; a second run into the same directory stops at once,
 *   naming them (a lock whose pid no longer runs is stale and taken over);
 * - `existing: 'refuse'` (validate's --out-dir) refuses a directory that already
 *   holds anything unless `force`: an earlier run's files stay byte for byte
 *   as they were; `existing: 'replace'` (--csv) replaces only the files it
 *   writes, each through a temporary name and a rename;
 * - `release()` removes the lock (and the directory, when this run made it
 *   and left nothing in it); an exit without release still removes the lock.
 * One process may hold a directory for several outputs at once (validate
 * --out-dir D --csv D): claims by the same process share the lock.
 */
import { closeSync, openSync, readdirSync, readFileSync, rmdirSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.js';
import { checkOutputDirectory, makeDirectory, writeFileAtomic } from './output-path.js';

export const LOCK_FILE = '.capsim.lock';

export interface ClaimOptions {
  /** The flag that named the directory, for messages (--out-dir, --csv). */
  flag: string;
  /** What to do with a directory that already holds files. */
  existing: 'refuse' | 'replace';
  /** With `existing: 'refuse'`: replace an earlier run's results anyway. */
  force?: boolean;
}

interface LockRecord {
  pid: number;
  started: string;
  command: string;
}

interface Held {
  lock: string;
  made: string[];
  holders: number;
}

/** Directories this process holds, by absolute path. */
const held = new Map<string, Held>();

function removeLocks(): void {
  for (const entry of held.values()) {
    try {
      unlinkSync(entry.lock);
    } catch {
      // already gone
    }
  }
  held.clear();
}
process.on('exit', removeLocks);

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readLock(file: string): LockRecord | null {
  try {
    const record = JSON.parse(readFileSync(file, 'utf8')) as LockRecord;
    return Number.isInteger(record.pid) ? record : null;
  } catch {
    return null;
  }
}

function inUse(flag: string, dir: string, holder: LockRecord): UserError {
  return new UserError(`${flag} ${dir} is in use by another capsim run (pid ${holder.pid}, started ${holder.started}): wait for it to finish or choose another directory`);
}

/** Creates the lock file exclusively; a live holder stops the claim with one line naming it. */
function takeLock(dir: string, shown: string, flag: string): string {
  const file = path.join(dir, LOCK_FILE);
  const record: LockRecord = { pid: process.pid, started: new Date().toISOString(), command: ['capsim', ...process.argv.slice(2)].join(' ') };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      try {
        writeSync(fd, `${JSON.stringify(record)}\n`);
      } finally {
        closeSync(fd);
      }
      return file;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') throw new UserError(`cannot write ${flag} ${shown}: ${(error as Error).message}`);
      const holder = readLock(file);
      if (holder && running(holder.pid)) throw inUse(flag, shown, holder);
      // A lock left by a run that no longer exists (killed): take it over.
      try {
        unlinkSync(file);
      } catch {
        // another run removed it first; try again
      }
    }
  }
  throw new UserError(`${flag} ${shown} is being claimed by another capsim run: choose another directory`);
}

/** The entries of `dir` besides the lock file ([] when it does not exist). */
function resultsIn(dir: string): string[] {
  try {
    return readdirSync(dir).filter((name) => name !== LOCK_FILE);
  } catch {
    return [];
  }
}

function refuseResults(dir: string, entries: string[], flag: string): never {
  const listed = entries.sort().slice(0, 4).join(', ') + (entries.length > 4 ? `, ... (${entries.length} entries)` : '');
  throw new UserError(`${flag} ${dir} already holds results (${listed}): choose a new directory, or pass --force to replace them`);
}

/** A directory held for this run's results. */
export class OutputDirectory {
  private released = false;

  private constructor(
    readonly path: string,
    private readonly flag: string,
  ) {}

  /**
   * Everything `claim` would refuse, checked without making or locking anything: for a command that has
   * work to do before it claims the directory (validate reads AWS first).
   */
  static check(dir: string, options: ClaimOptions): void {
    const absolute = path.resolve(dir);
    if (held.has(absolute)) return;
    checkOutputDirectory(dir, options.flag);
    const holder = readLock(path.join(absolute, LOCK_FILE));
    if (holder && running(holder.pid)) throw inUse(options.flag, dir, holder);
    const entries = resultsIn(absolute);
    if (options.existing === 'refuse' && !options.force && entries.length > 0) refuseResults(dir, entries, options.flag);
  }

  /** Checks, makes and locks `dir` (see the file comment). */
  static claim(dir: string, options: ClaimOptions): OutputDirectory {
    const absolute = path.resolve(dir);
    const mine = held.get(absolute);
    if (mine) {
      mine.holders++;
      return new OutputDirectory(absolute, options.flag);
    }
    checkOutputDirectory(dir, options.flag);
    const made = makeDirectory(dir, options.flag);
    const lock = takeLock(absolute, dir, options.flag);
    held.set(absolute, { lock, made, holders: 1 });
    const claimed = new OutputDirectory(absolute, options.flag);
    const entries = resultsIn(absolute);
    if (options.existing === 'refuse' && !options.force && entries.length > 0) {
      claimed.release();
      refuseResults(dir, entries, options.flag);
    }
    return claimed;
  }

  /** The path of a result file in this directory. */
  file(name: string): string {
    return path.join(this.path, name);
  }

  /** Writes a result file through a temporary name and a rename. */
  write(name: string, data: string): string {
    const file = this.file(name);
    writeFileAtomic(file, data, this.flag);
    return file;
  }

  /** Gives the directory up: the lock goes, and so do directories this run made and left empty. */
  release(): void {
    if (this.released) return;
    this.released = true;
    const entry = held.get(this.path);
    if (!entry || --entry.holders > 0) return;
    held.delete(this.path);
    try {
      unlinkSync(entry.lock);
    } catch {
      // already gone
    }
    for (const made of [...entry.made].reverse()) {
      try {
        rmdirSync(made);
      } catch {
        break; // not empty: results are in it
      }
    }
  }
}
