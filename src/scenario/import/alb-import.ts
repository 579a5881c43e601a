/**
 * Reads ALB access logs and reconstructs the traffic: one streaming pass over
 * the files (two with --busiest: the first only counts requests per second to
 * find the window). Files are read in the order of their first entry; each
 * line is parsed, counted (TrafficCounters) when it falls in the window, and
 * handed through the reorder buffer to the install reconstruction in the order
 * the load balancer received the requests. Memory holds the counters, the
 * requests of the reorder lag and a few bytes per install found, never the lines.
 */
import { UserError } from '../../errors.js';
import { type AlbLogEntry, FieldOffsets, isMalformed, parseAlbLogLine } from './alb-log-entry.js';
import { InstallTable, SingleTable } from './install-table.js';
import { InstallReconstructor, type LoggedRequest } from './installs.js';
import { type LogFile, listLogFiles, newInputHash, readLogLines } from './log-files.js';
import { ReorderBuffer } from './reorder-buffer.js';
import { detached } from './detached.js';
import { RequestClassifier } from './request-path.js';
import { busiestStart, checkWindow, type WindowRequest } from './time-window.js';
import { type ClientSource, TrafficCounters } from './traffic-counters.js';
import { type ClientAgent, clientAgent } from './user-agent.js';

export interface AlbImportOptions {
  /** Files or directories. */
  paths: string[];
  window?: WindowRequest;
  /** An install without a download is closed after this long without a request for it (default 300 s). */
  idleSeconds?: number;
}

export interface MalformedExample {
  file: string;
  line: number;
  /** The line, cut at 160 characters, addresses masked. */
  text: string;
  reason: string;
}

export interface ImportedFile {
  path: string;
  bytes: number;
  lines: number;
  entries: number;
  malformed: number;
}


export interface AlbImportResult {
  files: ImportedFile[];
  /** sha256 over the bytes of every file, in the order read. */
  inputSha256: string;
  lines: number;
  entries: number;
  malformed: number;
  malformedExamples: MalformedExample[];
  /** Entries that reached the reconstruction behind requests received after them (files out of time order). */
  late: number;
  /** Receive times of the first and last entry of the whole input, epoch ms. */
  inputFirstMs: number;
  inputLastMs: number;
  /** The period kept (open ends stop at the first and last request in it), epoch ms. */
  window: { fromMs: number; toMs: number; how: 'all' | 'from-to' | 'busiest'; busiestSeconds?: number };
  counters: TrafficCounters;
  installs: InstallTable;
  singles: SingleTable;
  /** WebSocket connections (ws, wss): counted, not part of any install. */
  websockets: number;
  projects: string[];
  /** Client address and user agent, by client key. */
  clientKeys: ClientSource[];
  /** Downloads answered 200 in the window: how many, and their sent bytes (headers included). */
  downloads: { count: number; bytes: number };
  /** Distinct files downloaded per project id (a lower bound of its versions). */
  filesPerProject: Map<number, number>;
}

interface KnownAgent {
  agent: ClientAgent;
  /** Client key of each address seen with this agent. */
  keys: Map<string, number>;
}

/** The last few keys looked up, compared by value before a map lookup. */
class RecentKeys<T> {
  private readonly keys: string[] = [];
  private readonly values: T[] = [];
  private next = 0;

  constructor(private readonly size: number) {}

  find(key: string): T | undefined {
    for (let k = 0; k < this.keys.length; k++) if (this.keys[k].length === key.length && this.keys[k] === key) return this.values[k];
    return undefined;
  }

  remember(key: string, value: T): void {
    this.keys[this.next] = detached(key);
    this.values[this.next] = value;
    this.next = (this.next + 1) % this.size;
  }
}

/** Masks IPv4 and IPv6 addresses in a line quoted to the user. */
export function maskAddresses(text: string): string {
  return text
    .replace(/\b\d{1,3}(\.\d{1,3}){3}\b/g, '<address>')
    .replace(/\b[0-9a-f]{1,4}(:[0-9a-f]{0,4}){2,7}\b/gi, '<address>');
}

/** Receive time (ms) of a file's first entry, Infinity when its first 1000 lines hold none. */
async function firstEntryMs(file: LogFile): Promise<number> {
  let first = Infinity;
  let looked = 0;
  const fields = new FieldOffsets();
  await readLogLines(file.path, {
    chunkBytes: 16 << 10,
    onLines: (lines) => {
      for (const line of lines) {
        if (line.trim() === '') continue;
        const parsed = parseAlbLogLine(stripCr(line), fields);
        if (!isMalformed(parsed)) {
          first = parsed.timeMs;
          return 'stop';
        }
        if (++looked >= 1000) return 'stop';
      }
      return undefined;
    },
  });
  return first;
}

function stripCr(line: string): string {
  return line.charCodeAt(line.length - 1) === 13 ? line.slice(0, -1) : line;
}

/** Requests per second (by receive time) of every entry, for --busiest. */
async function countPerSecond(files: LogFile[], fromMs: number, toMs: number): Promise<Map<number, number>> {
  const perSecond = new Map<number, number>();
  const fields = new FieldOffsets();
  for (const file of files) {
    await readLogLines(file.path, {
      onLines: (lines) => {
        for (const line of lines) {
          const parsed = parseAlbLogLine(stripCr(line), fields);
          if (isMalformed(parsed) || parsed.creationMs < fromMs || parsed.creationMs >= toMs) continue;
          const second = Math.floor(parsed.creationMs / 1000);
          perSecond.set(second, (perSecond.get(second) ?? 0) + 1);
        }
      },
    });
  }
  return perSecond;
}

function chooseBusiest(perSecond: Map<number, number>, seconds: number): { fromMs: number; toMs: number } {
  if (perSecond.size === 0) throw new UserError('no ALB access log entry in the given files and times, so there is no busiest window');
  const keys = [...perSecond.keys()];
  const first = Math.min(...keys);
  const last = Math.max(...keys);
  const series = new Float64Array(last - first + 1);
  for (const [second, n] of perSecond) series[second - first] = n;
  const start = first + busiestStart(series, seconds);
  return { fromMs: start * 1000, toMs: (start + seconds) * 1000 };
}

/** Imports ALB access logs: every problem with the input is one UserError line. */
export async function importAlbLogs(options: AlbImportOptions): Promise<AlbImportResult> {
  const requested = options.window ?? {};
  checkWindow(requested);
  const files = listLogFiles(options.paths);
  const firsts = new Map<LogFile, number>();
  for (const file of files) firsts.set(file, await firstEntryMs(file));
  const ordered = files.slice().sort((a, b) => (firsts.get(a) ?? Infinity) - (firsts.get(b) ?? Infinity) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

  let window: AlbImportResult['window'];
  const fromMs = requested.fromMs ?? -Infinity;
  const toMs = requested.toMs ?? Infinity;
  if (requested.busiestSeconds !== undefined) {
    const busiest = chooseBusiest(await countPerSecond(ordered, fromMs, toMs), requested.busiestSeconds);
    window = { ...busiest, how: 'busiest', busiestSeconds: requested.busiestSeconds };
  } else {
    window = { fromMs, toMs, how: requested.fromMs !== undefined || requested.toMs !== undefined ? 'from-to' : 'all' };
  }
  const idleMs = (options.idleSeconds ?? 300) * 1000;
  // Requests just outside the window still belong to installs that straddle its edges.
  const reconstructFrom = window.fromMs - idleMs;
  const reconstructTo = window.toMs + idleMs;

  const counters = new TrafficCounters();
  const installs = new InstallTable();
  const singles = new SingleTable();
  const inWindow = (ms: number) => ms >= window.fromMs && ms < window.toMs;
  const reconstructor = new InstallReconstructor(
    {
      install: (install) => {
        if (inWindow(install.startMs)) installs.add(install);
      },
      single: (single) => {
        if (inWindow(single.startMs)) singles.add(single);
      },
    },
    idleMs / 1000,
  );
  const reorder = new ReorderBuffer<LoggedRequest>((r) => reconstructor.add(r));
  const projectIds = new Map<string, number>();
  const projects: string[] = [];
  const clientKeys: ClientSource[] = [];
  /** Per user agent: who it is, and the client key of each address that sent it. */
  const agents = new Map<string, KnownAgent>();
  const recentAgents = new RecentKeys<KnownAgent>(8);
  const hash = newInputHash();
  const imported: ImportedFile[] = [];
  const examples: MalformedExample[] = [];
  let lines = 0;
  let entries = 0;
  let malformed = 0;
  let websockets = 0;
  let inputFirstMs = Infinity;
  let inputLastMs = -Infinity;
  /** Longest time between receiving a request and answering it seen so far (HTTP), ms. */
  let longestMs = 0;
  const fields = new FieldOffsets();
  const classifier = new RequestClassifier();
  /** Each line's entry is read into this one object: nothing of it is kept past the line. */
  const reused = {} as AlbLogEntry;
  const downloads = { count: 0, bytes: 0 };
  const projectFiles = new Map<number, Set<string>>();

  const projectId = (name: string): number => {
    if (name === '') return -1;
    let id = projectIds.get(name);
    if (id === undefined) {
      id = projects.length;
      projects.push(detached(name));
      projectIds.set(name, id);
    }
    return id;
  };

  for (let f = 0; f < ordered.length; f++) {
    const file = ordered[f];
    const nextFirstMs = f + 1 < ordered.length ? (firsts.get(ordered[f + 1]) ?? Infinity) : Infinity;
    const stats: ImportedFile = { path: file.path, bytes: file.bytes, lines: 0, entries: 0, malformed: 0 };
    let fileMaxMs = -Infinity;
    const accept = (e: AlbLogEntry): void => {
      if (e.creationMs < inputFirstMs) inputFirstMs = e.creationMs;
      if (e.creationMs > inputLastMs) inputLastMs = e.creationMs;
      if (e.timeMs > fileMaxMs) fileMaxMs = e.timeMs;
      // Most lines repeat a user agent of the last few: comparing beats hashing a 300-character pip agent.
      let known = recentAgents.find(e.userAgent);
      if (!known) {
        known = agents.get(e.userAgent);
        if (!known) {
          const userAgent = detached(e.userAgent);
          known = { agent: clientAgent(userAgent), keys: new Map() };
          agents.set(userAgent, known);
        }
        recentAgents.remember(e.userAgent, known);
      }
      let clientKey = known.keys.get(e.client);
      if (clientKey === undefined) {
        const client = detached(e.client);
        clientKey = clientKeys.length;
        clientKeys.push(counters.source(client, known.agent.product, known.agent.family));
        known.keys.set(client, clientKey);
      }
      const from = clientKeys[clientKey];
      counters.inputPerSecond.add(Math.floor(e.creationMs / 1000), 1);
      if (inWindow(e.creationMs)) counters.add(e, from);
      if (e.type === 'ws' || e.type === 'wss') {
        if (inWindow(e.creationMs)) websockets++;
        return;
      }
      const took = e.timeMs - e.creationMs;
      if (took > longestMs) longestMs = took;
      if (e.creationMs < reconstructFrom || e.creationMs >= reconstructTo) return;
      const target = classifier.classify(e.method, e.url);
      const project = projectId(target.project);
      if (target.kind === 'file' && inWindow(e.creationMs) && e.elbStatus === 200) {
        downloads.count++;
        downloads.bytes += e.sentBytes;
        let names = projectFiles.get(project);
        if (!names) projectFiles.set(project, (names = new Set()));
        if (!names.has(target.file)) names.add(detached(target.file));
      }
      reorder.push({
        creationMs: e.creationMs,
        timeMs: e.timeMs,
        clientKey,
        clientPort: e.clientPort,
        family: from.family,
        kind: target.kind,
        project,
        elbStatus: e.elbStatus,
      });
    };
    stats.lines = await readLogLines(file.path, {
      hash,
      onLines: (chunk, firstLine) => {
        for (let i = 0; i < chunk.length; i++) {
          const line = stripCr(chunk[i]);
          if (line.length === 0 || (line.charCodeAt(0) <= 32 && line.trim() === '')) continue;
          const parsed = parseAlbLogLine(line, fields, reused);
          if (isMalformed(parsed)) {
            stats.malformed++;
            if (examples.length < 3) examples.push({ file: file.path, line: firstLine + i, text: detached(maskAddresses(line.slice(0, 160))), reason: parsed.reason });
            continue;
          }
          stats.entries++;
          accept(parsed);
        }
        // Nothing received before this can still come: not from this file (it is in response
        // order, a request at most `longestMs` old when answered), nor from the next ones.
        const slack = 60_000 + longestMs;
        reorder.releaseBefore(Math.min(fileMaxMs, nextFirstMs) - slack);
      },
    });
    lines += stats.lines;
    entries += stats.entries;
    malformed += stats.malformed;
    imported.push(stats);
  }
  if (entries === 0) {
    const where = examples[0] ? ` (${examples[0].file} line ${examples[0].line}: ${examples[0].reason})` : '';
    const what = files.length === 1 ? `${files[0].path} is not an ALB access log: no line is an entry` : `none of the ${files.length} files holds an ALB access log entry`;
    throw new UserError(`${what}${where}`);
  }
  reorder.drain();
  reconstructor.finish();
  if (counters.requests === 0) {
    throw new UserError(`no request in the window ${describeWindow(window)}; the logs cover ${new Date(inputFirstMs).toISOString()} to ${new Date(inputLastMs).toISOString()}`);
  }
  // Open ends of the window stop at the first and last request in it.
  if (!Number.isFinite(window.fromMs)) window.fromMs = counters.firstMs;
  if (!Number.isFinite(window.toMs)) window.toMs = counters.lastMs + 1;
  return {
    files: imported,
    inputSha256: hash.digest('hex'),
    lines,
    entries,
    malformed,
    malformedExamples: examples,
    late: reorder.late,
    inputFirstMs,
    inputLastMs,
    window,
    counters,
    installs,
    singles,
    websockets,
    projects,
    clientKeys,
    downloads,
    filesPerProject: new Map([...projectFiles].map(([id, names]) => [id, names.size])),
  };
}

function describeWindow(w: { fromMs: number; toMs: number }): string {
  const at = (ms: number) => (Number.isFinite(ms) ? new Date(ms).toISOString() : '...');
  return `${at(w.fromMs)} to ${at(w.toMs)}`;
}
