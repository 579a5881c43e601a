/**
 * The log files of an import: paths given by the user (files, or directories
 * searched recursively for *.log, *.log.gz, *.gz and *.txt files, as S3 holds
 * ALB logs), each read as a stream of lines, gunzipped when the file starts
 * with the gzip magic bytes whatever its name. Lines are handed out in chunks
 * with their line numbers; the raw bytes are hashed as they are read.
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream, readdirSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { PassThrough, pipeline } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import { UserError } from '../../errors.js';

const LOG_NAME = /\.(log|log\.gz|gz|txt)$/i;

export interface LogFile {
  /** Path as given (or as found under a given directory). */
  path: string;
  bytes: number;
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(path));
    else if (entry.isFile() && LOG_NAME.test(entry.name)) out.push(path);
  }
  return out;
}

/** Expands the user's paths into log files; a missing path or a directory without log files is a UserError. */
export function listLogFiles(paths: string[]): LogFile[] {
  if (paths.length === 0) throw new UserError('no log files given');
  const files: LogFile[] = [];
  const seen = new Set<string>();
  for (const path of paths) {
    let stat;
    try {
      stat = statSync(path);
    } catch {
      throw new UserError(`${path} does not exist`);
    }
    const found = stat.isDirectory() ? filesUnder(path) : [path];
    if (stat.isDirectory() && found.length === 0) throw new UserError(`directory ${path} holds no log files (*.log, *.log.gz, *.gz, *.txt)`);
    for (const file of found) {
      const key = relative('.', file);
      if (seen.has(key)) continue;
      seen.add(key);
      files.push({ path: file, bytes: statSync(file).size });
    }
  }
  return files;
}

export interface ReadOptions {
  /** Called with consecutive lines (without the newline) and the number of the first. */
  onLines: (lines: string[], firstLineNumber: number) => void | 'stop';
  /** Feeds the raw (compressed) bytes, for the input hash. */
  hash?: Hash;
  /** Bytes read at a time (default 1 MiB; a look at the first lines needs far less). */
  chunkBytes?: number;
}

/** Whether the file starts with gzip's magic bytes. */
async function isGzip(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

/**
 * Streams the lines of one file. Memory is one chunk at a time. A corrupt gzip
 * stream is a UserError naming the file. Returns the number of lines read.
 */
export async function readLogLines(file: string, options: ReadOptions): Promise<number> {
  const gzip = await isGzip(file);
  const chunk = options.chunkBytes ?? 1 << 20;
  const raw = createReadStream(file, { highWaterMark: chunk });
  const hash = options.hash;
  if (hash && gzip) raw.on('data', (chunk) => hash.update(chunk as Buffer));
  // Room for a few chunks: the gunzip (on the thread pool) runs ahead while this thread parses.
  // pipeline: an error of the file or of the gunzip ends the iteration below with it.
  const source = gzip ? pipeline(raw, createGunzip({ chunkSize: chunk }), new PassThrough({ highWaterMark: 4 * chunk }), () => undefined) : raw;
  // Decodes UTF-8 across chunk boundaries (a character split between two chunks stays whole).
  const decoder = new StringDecoder('utf8');
  let carry = '';
  let lineNumber = 1;
  let stopped = false;
  /** An error of the caller's, not of the file: passed on as it is. */
  let callerError: unknown = null;
  const hand = (lines: string[], first: number): boolean => {
    try {
      return options.onLines(lines, first) === 'stop';
    } catch (error) {
      callerError = error;
      throw error;
    }
  };
  try {
    for await (const bytes of source) {
      if (hash && !gzip) hash.update(bytes as Buffer);
      const text = carry + decoder.write(bytes as Buffer);
      const lines = text.split('\n');
      carry = lines.pop() ?? '';
      const first = lineNumber;
      lineNumber += lines.length;
      if (hand(lines, first)) {
        stopped = true;
        break;
      }
    }
    carry += stopped ? '' : decoder.end();
    if (!stopped && carry !== '') {
      hand([carry], lineNumber);
      lineNumber++;
    }
  } catch (error) {
    if (callerError !== null) throw callerError;
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(`${file} cannot be read${gzip ? ' as gzip' : ''} (${code ?? (error as Error).message})`);
  } finally {
    raw.destroy();
  }
  return lineNumber - 1;
}

/** A fresh input hash. */
export function newInputHash(): Hash {
  return createHash('sha256');
}
