/**
 * Installs reconstructed from logged requests. Requests are grouped by client
 * (address and user agent: one CI host running one tool) and project; within a
 * group, in the order the load balancer received them:
 * - `/<project>/` starts an install (pip with the index root; the seed tool);
 *   its 303 is followed by the redirect hop `/simple/<project>/`;
 * - `/simple/<project>/` is the hop of an install waiting for one, the seed
 *   tool's second index request, or else starts an install (pip with
 *   .../simple/ as the index URL, poetry);
 * - the file download ends the install it belongs to (the oldest open one of
 *   that client and project that has read an index page);
 * - a request that repeats a failed one of an open install is a retry (pip
 *   retries 5 times; the seed tool never does).
 * An install sends one request at a time, one turnaround after the previous
 * answer, so among the open installs a request could continue, it goes to the
 * one whose last answer fits that turnaround best.
 * A download with no open install, `/`, `/simple/` and anything else fit no
 * install: each is kept as a single request. An install without a download is
 * closed once nothing has come for it for `idleSeconds` (it failed or gave up).
 */
import type { RequestKind } from './request-path.js';
import type { ClientFamily } from './user-agent.js';

/** What the reconstruction needs of one logged request. */
export interface LoggedRequest {
  creationMs: number;
  timeMs: number;
  /** Client address and user agent, as one id. */
  clientKey: number;
  /** The client's port: its connection. */
  clientPort: number;
  family: ClientFamily;
  kind: RequestKind;
  /** Project id (see ProjectIds), -1 when the request names none. */
  project: number;
  elbStatus: number;
}

/**
 * The request pattern of an install:
 *   root         /<project>/ (+ the hop), then the file: pip with the index root
 *   root-simple  /<project>/ (+ the hop), /simple/<project>/ again, then the file: the seed tool
 *   simple       /simple/<project>/, then the file: pip with .../simple/, poetry
 */
export type InstallPattern = 'root' | 'root-simple' | 'simple';

/** Traffic categories of the flow mix (what the user recognises in their CI); download-only: a download no install took. */
export type TrafficCategory = 'pip-root-index' | 'pip-simple-index' | 'poetry' | 'seed-tool' | 'other' | 'download-only';
export const TRAFFIC_CATEGORIES: readonly TrafficCategory[] = ['pip-root-index', 'pip-simple-index', 'poetry', 'seed-tool', 'other', 'download-only'];

export interface ReconstructedInstall {
  startMs: number;
  /** Response time of its last request. */
  endMs: number;
  clientKey: number;
  project: number;
  family: ClientFamily;
  pattern: InstallPattern;
  category: TrafficCategory;
  /** HTTP requests attached (redirect hop and retries included). */
  requests: number;
  retries: number;
  /** A download answered below 400 ended it. */
  completed: boolean;
}

/** A request that fits no install. */
export interface SingleRequest {
  startMs: number;
  kind: RequestKind;
  project: number;
  clientKey: number;
  family: ClientFamily;
}

export interface InstallSink {
  install(install: ReconstructedInstall): void;
  single(request: SingleRequest): void;
}

interface OpenInstall {
  startMs: number;
  lastMs: number;
  clientKey: number;
  project: number;
  family: ClientFamily;
  rooted: boolean;
  /** The /<project>/ request was answered with a redirect. */
  redirected: boolean;
  hop: boolean;
  /** /simple/<project>/ requests attached (the hop included, retries not). */
  simples: number;
  requests: number;
  retries: number;
  lastKind: RequestKind;
  lastFailed: boolean;
  /** Client port of the last request: the connection it came on. */
  lastPort: number;
}

/** A redirect hop, a retry or the seed tool's next request follows the previous response within this. */
const FOLLOW_MS = 10_000;
/** Unambiguous turnarounds a client's median is taken over. */
const TURNAROUNDS_KEPT = 15;
/** Tolerated difference between the clocks of two load balancer nodes. */
const SKEW_MS = 1_000;
/** Clients that retry a failed request (pip's urllib3 policy; also what poetry's session does). */
const RETRYING = new Set<ClientFamily>(['pip', 'poetry']);
/** Clients that may read the project page again after the hop (the seed tool, and unknown scripts). */
const SECOND_INDEX = new Set<ClientFamily>(['python-requests', 'other']);

/** One number for a client and a project (projects stay far below 2^22). */
function groupId(r: LoggedRequest): number {
  return r.clientKey * 4_194_304 + r.project + 1;
}

function failed(status: number): boolean {
  return status >= 400;
}

export function patternOf(open: { rooted: boolean; redirected: boolean; simples: number }): InstallPattern {
  if (!open.rooted) return 'simple';
  const explicit = open.simples - (open.redirected ? 1 : 0);
  return explicit >= 1 ? 'root-simple' : 'root';
}

/** The category of an install of `family` with `pattern`. */
export function categoryOf(family: ClientFamily, pattern: InstallPattern): TrafficCategory {
  if (family === 'poetry') return 'poetry';
  if (family === 'pip') return pattern === 'simple' ? 'pip-simple-index' : 'pip-root-index';
  if (family === 'python-requests' && pattern === 'root-simple') return 'seed-tool';
  return 'other';
}

export class InstallReconstructor {
  /** Open installs per client and project (groupId), oldest first. */
  private readonly open = new Map<number, OpenInstall[]>();
  private openCount = 0;
  private lastSweep = -Infinity;
  private readonly idleMs: number;
  /** Recent turnarounds (answer -> next request of the same install), ms, per client. */
  private readonly turnarounds = new Map<number, { recent: Float64Array; median: number; learnt: number }>();

  constructor(
    private readonly sink: InstallSink,
    idleSeconds = 300,
  ) {
    this.idleMs = idleSeconds * 1000;
  }

  get openInstalls(): number {
    return this.openCount;
  }

  /** Feeds the next request (in order of creation time). */
  add(r: LoggedRequest): void {
    if (r.creationMs - this.lastSweep >= 10_000) {
      this.closeIdle(r.creationMs);
      this.lastSweep = r.creationMs;
    }
    switch (r.kind) {
      case 'project-root':
        this.root(r);
        return;
      case 'project-simple':
        this.simple(r);
        return;
      case 'file':
        this.file(r);
        return;
      default:
        this.sink.single({ startMs: r.creationMs, kind: r.kind, project: r.project, clientKey: r.clientKey, family: r.family });
    }
  }

  /** Closes every open install (end of input). */
  finish(): void {
    for (const list of this.open.values()) for (const install of list) this.emit(install, false);
    this.open.clear();
    this.openCount = 0;
  }

  private group(r: LoggedRequest): OpenInstall[] {
    const id = groupId(r);
    let list = this.open.get(id);
    if (!list) {
      list = [];
      this.open.set(id, list);
    }
    return list;
  }

  private isRetry(install: OpenInstall, r: LoggedRequest): boolean {
    return install.lastFailed && install.lastKind === r.kind && RETRYING.has(install.family);
  }

  /**
   * The open install `r` continues, among those `eligible` whose previous
   * answer went out before `r` arrived (an install sends one request at a
   * time), within FOLLOW_MS when `prompt`, allowing SKEW_MS between the clocks
   * of two load balancer nodes. When several fit: one whose last request came
   * on the same connection (client port), as pip keeps its connection alive;
   * then the one whose answer is one turnaround (answer -> next request,
   * learnt per client from requests only one install could have sent) before `r`.
   */
  private pick(list: OpenInstall[] | undefined, r: LoggedRequest, eligible: (i: OpenInstall) => boolean, prompt: boolean): OpenInstall | undefined {
    if (!list) return undefined;
    const expected = this.turnaround(r.clientKey);
    let best: OpenInstall | undefined;
    let bestSamePort = false;
    let bestMiss = Infinity;
    let fits = 0;
    for (const i of list) {
      if (!eligible(i)) continue;
      const idle = r.creationMs - i.lastMs;
      if (idle < -SKEW_MS || (prompt && idle > FOLLOW_MS)) continue;
      fits++;
      const samePort = i.lastPort === r.clientPort;
      const miss = Math.abs(idle - expected);
      if ((samePort && !bestSamePort) || (samePort === bestSamePort && miss < bestMiss)) {
        best = i;
        bestSamePort = samePort;
        bestMiss = miss;
      }
    }
    if (fits === 1 && best) this.learnTurnaround(r.clientKey, r.creationMs - best.lastMs);
    return best;
  }

  /** Median of the client's last unambiguous turnarounds (0 before any: the most recent answer fits best). */
  private turnaround(clientKey: number): number {
    return this.turnarounds.get(clientKey)?.median ?? 0;
  }

  private learnTurnaround(clientKey: number, gapMs: number): void {
    if (gapMs < 0 || gapMs > FOLLOW_MS) return;
    let seen = this.turnarounds.get(clientKey);
    if (!seen) this.turnarounds.set(clientKey, (seen = { recent: new Float64Array(TURNAROUNDS_KEPT), learnt: 0, median: 0 }));
    seen.recent[seen.learnt % TURNAROUNDS_KEPT] = gapMs;
    seen.learnt++;
    // The median moves slowly: recompute it every few turnarounds.
    if (seen.learnt % 4 === 1) {
      const sorted = seen.recent.slice(0, Math.min(seen.learnt, TURNAROUNDS_KEPT)).sort();
      seen.median = sorted[sorted.length >> 1];
    }
  }

  private attach(install: OpenInstall, r: LoggedRequest, retry: boolean): void {
    install.requests++;
    if (retry) install.retries++;
    install.lastKind = r.kind;
    install.lastFailed = failed(r.elbStatus);
    install.lastMs = r.timeMs;
    install.lastPort = r.clientPort;
  }

  private start(list: OpenInstall[], r: LoggedRequest, rooted: boolean): OpenInstall {
    const install: OpenInstall = {
      startMs: r.creationMs,
      lastMs: r.timeMs,
      clientKey: r.clientKey,
      project: r.project,
      family: r.family,
      rooted,
      redirected: false,
      hop: false,
      simples: 0,
      requests: 0,
      retries: 0,
      lastKind: r.kind,
      lastFailed: false,
      lastPort: r.clientPort,
    };
    list.push(install);
    this.openCount++;
    return install;
  }

  private root(r: LoggedRequest): void {
    const list = this.group(r);
    const retried = this.pick(list, r, (i) => this.isRetry(i, r), true);
    const install = retried ?? this.start(list, r, true);
    this.attach(install, r, retried !== undefined);
    if (r.elbStatus >= 300 && r.elbStatus < 400) install.redirected = true;
  }

  private simple(r: LoggedRequest): void {
    const list = this.group(r);
    const awaitsHop = (i: OpenInstall) => i.redirected && !i.hop && i.lastKind === 'project-root';
    // The seed tool reads the project page again after the hop (or after a failed /<project>/).
    const awaitsSecond = (i: OpenInstall) => i.rooted && SECOND_INDEX.has(i.family) && i.simples < (i.redirected ? 2 : 1) && !awaitsHop(i);
    const awaits = (i: OpenInstall) => awaitsHop(i) || this.isRetry(i, r) || awaitsSecond(i);
    const owner = this.pick(list, r, awaits, true);
    if (!owner) {
      const install = this.start(list, r, false);
      install.simples = 1;
      this.attach(install, r, false);
      return;
    }
    const retry = !awaitsHop(owner) && this.isRetry(owner, r);
    if (awaitsHop(owner)) owner.hop = true;
    if (!retry) owner.simples++;
    this.attach(owner, r, retry);
  }

  private file(r: LoggedRequest): void {
    const list = this.open.get(groupId(r));
    // The download goes to an install that has read all the index pages its client reads (the seed
    // tool reads two after a redirect), else to any that has read one.
    const indexed = (i: OpenInstall) => i.simples > 0 && i.lastKind !== 'file';
    const complete = (i: OpenInstall) => indexed(i) && (!SECOND_INDEX.has(i.family) || !i.rooted || i.simples >= (i.redirected ? 2 : 1));
    const owner = this.pick(list, r, (i) => complete(i) || this.isRetry(i, r), false) ?? this.pick(list, r, indexed, false);
    if (!list || !owner) {
      this.sink.single({ startMs: r.creationMs, kind: 'file', project: r.project, clientKey: r.clientKey, family: r.family });
      return;
    }
    this.attach(owner, r, owner.lastKind === 'file');
    // pip retries a failed download; anything else ends the install here.
    if (!owner.lastFailed || !RETRYING.has(owner.family)) {
      list.splice(list.indexOf(owner), 1);
      this.openCount--;
      this.emit(owner, !owner.lastFailed);
    }
  }

  private closeIdle(now: number): void {
    if (this.openCount === 0) return;
    for (const [id, list] of this.open) {
      for (let k = list.length - 1; k >= 0; k--) {
        const install = list[k];
        if (now - install.lastMs > this.idleMs) {
          list.splice(k, 1);
          this.openCount--;
          this.emit(install, false);
        }
      }
      if (list.length === 0) this.open.delete(id);
    }
  }

  private emit(install: OpenInstall, completed: boolean): void {
    const pattern = patternOf(install);
    this.sink.install({
      startMs: install.startMs,
      endMs: install.lastMs,
      clientKey: install.clientKey,
      project: install.project,
      family: install.family,
      pattern,
      category: categoryOf(install.family, pattern),
      requests: install.requests,
      retries: install.retries,
      completed,
    });
  }
}
