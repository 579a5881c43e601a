/**
 * Where capsim writes results: checks done before any work starts (a path
 * that is a file where a directory is needed, or the reverse; a place that
 * does not take new files), directories created one level at a time, and
 * result files written to a temporary name in their own directory and
 * renamed into place, so a reader sees the old file or the new one, never
 * half of one (README, "Output files").
 *
 * Node's `mkdir(..., { recursive: true })` spins forever on a path under
 * /proc; every directory is therefore made without it.
 */
import { closeSync, mkdirSync, openSync, renameSync, rmdirSync, statSync, unlinkSync, writeFileSync, writeSync, type Stats } from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.js';

function statOf(file: string): Stats | null {
  try {
    return statSync(file);
  } catch {
    return null;
  }
}

function reason(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  const why: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'not permitted',
    EROFS: 'read-only file system',
    ENOENT: 'the file system refuses new entries there',
    ENOTDIR: 'a part of the path is a file',
    ENOSPC: 'no space left on the device',
    EEXIST: 'it already exists',
    EISDIR: 'it is a directory',
  };
  return why[e?.code ?? ''] ? `${why[e.code!]} (${e.code})` : (e?.message ?? String(error));
}

/** The nearest directory at or above `dir` that exists (the one new directories are made in). */
function nearestExisting(dir: string, flag: string, shown: string): string {
  let at = path.resolve(dir);
  for (;;) {
    const stat = statOf(at);
    if (stat) {
      if (!stat.isDirectory()) throw new UserError(`${flag} ${shown}: ${at} is a file, not a directory`);
      return at;
    }
    const parent = path.dirname(at);
    if (parent === at) return at;
    at = parent;
  }
}

/** Proves that `dir` (an existing directory) takes a new entry: makes one and removes it at once. */
function probe(dir: string, flag: string, shown: string): void {
  const name = path.join(dir, `.capsim-probe-${process.pid}-${Date.now()}`);
  try {
    mkdirSync(name);
    rmdirSync(name);
  } catch (error) {
    throw new UserError(`cannot write ${flag} ${shown}: nothing can be created in ${dir}: ${reason(error)}`);
  }
}

/**
 * Checks, before any work, that `file` can be written as a file: it is not a directory, and its directory
 * exists (or can be made) and takes new files. Nothing is left behind.
 */
export function checkOutputFile(file: string, flag: string): void {
  const stat = statOf(file);
  if (stat?.isDirectory()) throw new UserError(`${flag} ${file} is a directory; give a file name`);
  probe(nearestExisting(path.dirname(path.resolve(file)), flag, file), flag, file);
}

/** Checks, before any work, that `dir` can hold results: a directory (or nothing yet) in a place that takes new files. */
export function checkOutputDirectory(dir: string, flag: string): void {
  const stat = statOf(dir);
  if (stat && !stat.isDirectory()) throw new UserError(`${flag} ${dir} is a file, not a directory`);
  probe(nearestExisting(path.resolve(dir), flag, dir), flag, dir);
}

/** Makes `dir` and its missing parents, one level at a time; returns the directories it made (outermost first). */
export function makeDirectory(dir: string, flag: string): string[] {
  const target = path.resolve(dir);
  const missing: string[] = [];
  for (let at = target; !statOf(at); at = path.dirname(at)) {
    missing.unshift(at);
    if (path.dirname(at) === at) break;
  }
  const stat = statOf(target);
  if (stat && !stat.isDirectory()) throw new UserError(`${flag} ${dir} is a file, not a directory`);
  for (const at of missing) {
    try {
      mkdirSync(at);
    } catch (error) {
      throw new UserError(`cannot create ${flag} ${dir}: ${reason(error)}`);
    }
  }
  return missing;
}

/** A temporary name beside `file`, in the same directory (so the rename stays on one file system). */
export function temporaryPath(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
}

function removeQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // nothing to remove
  }
}

/** Renames a finished temporary file into place (removing the temporary file when that fails). */
export function commitFile(temporary: string, file: string, flag: string): void {
  try {
    renameSync(temporary, file);
  } catch (error) {
    removeQuietly(temporary);
    throw new UserError(`cannot write ${flag} ${file}: ${reason(error)}`);
  }
}

/**
 * Writes `data` (or its pieces, one after another: a large file is never one string) to a temporary name
 * beside `file`, making the file's directory when it is missing; returns the temporary name, for
 * commitFile. A failure is one line naming the flag and leaves nothing behind.
 */
export function writeTemporary(file: string, data: string | Uint8Array | readonly string[], flag: string): string {
  makeDirectory(path.dirname(path.resolve(file)), flag);
  const temporary = temporaryPath(path.resolve(file));
  try {
    const fd = openSync(temporary, 'w');
    try {
      if (typeof data === 'string' || data instanceof Uint8Array) writeFileSync(fd, data);
      else for (const piece of data) writeSync(fd, piece);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    removeQuietly(temporary);
    throw new UserError(`cannot write ${flag} ${file}: ${reason(error)}`);
  }
  return temporary;
}

/**
 * Writes `data` to `file` through a temporary name and a rename, making the file's directory when it is
 * missing; a failure is one line naming the flag, and leaves any earlier file untouched.
 */
export function writeFileAtomic(file: string, data: string | Uint8Array | readonly string[], flag: string): void {
  commitFile(writeTemporary(file, data, flag), path.resolve(file), flag);
}
