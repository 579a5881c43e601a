/**
 * One simulated "pip install" of one package: the flow's steps in order, each
 * an operation; inside an operation, redirects followed like requests does
 * (same headers, Authorization dropped on a change of host) and every HTTP
 * request retried like urllib3 under pip's policy. Each HTTP request and each
 * operation is reported as soon as it completes.
 */
import { performance } from 'node:perf_hooks';
import type { ClientBehaviour } from '../scenario/types.js';
import type { ClientHeaders } from './client-headers.js';
import { InstallConnections, type ConnectionCounter } from './connections.js';
import { FLOWS, type Flow, type FlowName, type FlowStep, type OperationName } from '../scenario/flows.js';
import { stepPath } from './step-path.js';
import { sendAttempt, type AttemptResult, type ErrorClass } from './http-attempt.js';
import { parseIndexPage, type FileLink } from './index-page.js';
import { compareVersions } from './package-names.js';
import { isRetryable, RETRY_AFTER_STATUSES, retryAfterSeconds, retryBackoffSeconds } from './retry.js';
import { abortableSleep, round3 } from './abortable-sleep.js';
import { HttpCookieJar } from './cookie-jar.js';

/** Statuses whose Location the client follows (requests' redirect statuses). */
export const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);
/** requests' Session.max_redirects. */
export const MAX_REDIRECTS = 30;

/** One HTTP request, as written to requests.ndjson. */
export interface RequestRecord {
  time: string;
  /** Seconds from the run start to this request's dispatch. */
  t: number;
  install: number;
  iteration: number | null;
  operation: OperationName;
  /** Run-wide operation number. */
  op: number;
  /** 0 for the first try, 1.. for retries. */
  attempt: number;
  /** 0 for the operation's first URL, 1.. after redirects. */
  hop: number;
  method: 'GET';
  path: string;
  status: number | null;
  latency_ms: number;
  bytes: number;
  error_class: ErrorClass | null;
  error?: string;
  connection: string | null;
  upstream: string | null;
  /** On the operation's last request: the operation's outcome. */
  op_final?: true;
  op_ok?: boolean;
  op_latency_ms?: number;
}

/** One completed operation (what the seed summary counts). */
export interface OperationRecord {
  install: number;
  iteration: number | null;
  operation: OperationName;
  op: number;
  /** performance.now() at the operation's first dispatch and at its end. */
  startPerf: number;
  endPerf: number;
  latencyMs: number;
  ok: boolean;
  status?: number;
  errorClass?: ErrorClass;
  error?: string;
  path: string;
  httpRequests: number;
}

/** One project an install fetches. */
export interface ProjectFetch {
  project: string;
  /** Version to fetch: the constructed wheel's version (seed tool) or the one pip picks from the page. */
  version: string;
  /** 'latest': pip's choice (highest version on the page); 'exact': the file of `version`. */
  pick: 'latest' | 'exact';
  /** The picked file's absolute URL, as discovered (the seed tool requests it without reading the page). */
  fileUrl: string;
  /** The picked file's name, as discovered (the Locust engine follows the page's link of that name). */
  fileName: string;
}

export interface InstallSpec {
  id: number;
  iteration: number | null;
  /** Its kind: an index into the scenario's installKinds (0 without a flow mix). */
  kind: number;
  /** Installs of its kind started before it (its jar with a shared scope: ofKind mod the kind's sharedJars). */
  ofKind: number;
  /** The projects fetched one after another (one; or the scenario's `requirements`, like pip install -r). */
  projects: ProjectFetch[];
}

export interface InstallResult {
  id: number;
  ok: boolean;
  /** Why the install stopped early, if it did. */
  problem?: string;
  operations: number;
  /** performance.now() of the first dispatch. */
  firstDispatchPerf: number | null;
}

export interface InstallContext {
  /** Server root, ending with "/". */
  base: URL;
  flow: FlowName;
  headers: ClientHeaders;
  /** "Basic ..." for the target origin, or undefined. */
  authorization?: string;
  client: ClientBehaviour;
  /**
   * The kind's shared cookie jars, used when its client.cookies is "shared": the kind's install k takes jar k mod
   * their number (one unless client.sharedJars says more).
   */
  sharedJars: HttpCookieJar[];
  counter: ConnectionCounter;
  /** performance.now() at the run start. */
  runStartPerf: number;
  /** Date.now() - performance.now() at the run start, to turn perf times into wall clock. */
  wallOffsetMs: number;
  nextOperationId: () => number;
  /** True once the run stops issuing requests (in-flight ones may still finish). */
  stopped: () => boolean;
  /** Aborts in-flight requests (hard stop). */
  signal: AbortSignal;
  onRequest: (record: RequestRecord) => void;
  onOperation: (record: OperationRecord) => void;
}



function pickLink(links: FileLink[], spec: ProjectFetch): FileLink | null {
  const wheels = links.filter((link) => link.fileName.endsWith('.whl') && link.version !== null);
  const candidates = wheels.length > 0 ? wheels : links.filter((link) => link.version !== null);
  if (candidates.length === 0) return null;
  if (spec.pick === 'exact') return candidates.find((link) => link.version === spec.version) ?? null;
  return candidates.reduce((best, link) => (compareVersions(link.version!, best.version!) > 0 ? link : best));
}

interface OperationRun {
  record: OperationRecord;
  lastAttempt: AttemptResult;
  finalUrl: URL;
}

async function runOperation(
  ctx: InstallContext,
  spec: InstallSpec,
  step: FlowStep,
  firstUrl: URL,
  connections: InstallConnections,
  jar: HttpCookieJar | null,
  keepBody: boolean,
  onFirstDispatch: (perf: number) => void,
  slot = 0,
): Promise<OperationRun | null> {
  const opId = ctx.nextOperationId();
  const baseHeaders = step.resource === 'index' ? ctx.headers.index : ctx.headers.file;
  const firstPath = firstUrl.pathname + firstUrl.search;
  let url = firstUrl;
  let hop = 0;
  let attempt = 0;
  let httpRequests = 0;
  let startPerf: number | null = null;

  for (;;) {
    if (ctx.signal.aborted || ctx.stopped()) return null;
    const sameOrigin = url.origin === ctx.base.origin;
    const authorized = ctx.authorization && sameOrigin ? { ...baseHeaders, authorization: ctx.authorization } : baseHeaders;
    // The jar's cookies for this URL, read at dispatch (a shared jar holds the latest response's).
    const cookie = sameOrigin ? jar?.header(url) : undefined;
    const headers = cookie ? { ...authorized, cookie } : authorized;
    const { client, connectionId } = connections.clientFor(url.origin, slot);
    const result = await sendAttempt({ client, connectionId, path: url.pathname + url.search, headers, keepBody, signal: ctx.signal, timeoutMs: ctx.client.timeoutSeconds * 1000 });
    // Completion order: whatever completes last before the next dispatch is what that dispatch sends.
    if (jar && sameOrigin && result.setCookies) jar.store(result.setCookies, url);
    // Stopped by us: not a measurement (the operation's earlier requests are already on record).
    if (result.errorClass === 'aborted' || (ctx.signal.aborted && result.status === undefined)) return null;
    if (startPerf === null) {
      startPerf = result.startPerf;
      onFirstDispatch(startPerf);
    }
    httpRequests += 1;
    if (result.errorClass === 'connect_timeout') connections.discard(url.origin, slot);
    const retry = attempt < ctx.client.retries && isRetryable(result, ctx.client.retryStatuses);
    const redirect =
      !retry && result.status !== undefined && REDIRECT_STATUSES.has(result.status) && result.location !== undefined && hop < MAX_REDIRECTS;
    const request: RequestRecord = {
      time: new Date(ctx.wallOffsetMs + result.startPerf + result.latencyMs).toISOString(),
      t: round3((result.startPerf - ctx.runStartPerf) / 1000),
      install: spec.id,
      iteration: spec.iteration,
      operation: step.operation,
      op: opId,
      attempt,
      hop,
      method: 'GET',
      path: url.pathname + url.search,
      status: result.status ?? null,
      latency_ms: round3(result.latencyMs),
      bytes: result.bytes,
      error_class: result.errorClass ?? null,
      ...(result.error ? { error: result.error } : {}),
      connection: result.connection,
      upstream: result.upstream,
    };
    if (retry) {
      ctx.onRequest(request);
      attempt += 1;
      const retryAfter = result.status !== undefined && RETRY_AFTER_STATUSES.includes(result.status) ? retryAfterSeconds(result.retryAfter) : null;
      await abortableSleep(1000 * (retryAfter ?? retryBackoffSeconds(attempt, ctx.client.backoffFactorSeconds)), ctx.signal);
      continue;
    }
    if (redirect) {
      ctx.onRequest(request);
      url = new URL(result.location!, url);
      hop += 1;
      attempt = 0;
      continue;
    }
    const endPerf = result.startPerf + result.latencyMs;
    const ok = result.status !== undefined && result.status < 400;
    const record: OperationRecord = {
      install: spec.id,
      iteration: spec.iteration,
      operation: step.operation,
      op: opId,
      startPerf,
      endPerf,
      latencyMs: endPerf - startPerf,
      ok,
      ...(result.status !== undefined ? { status: result.status } : {}),
      ...(!ok ? { errorClass: result.errorClass ?? 'other', error: result.error ?? `HTTP ${result.status}` } : {}),
      path: firstPath,
      httpRequests,
    };
    request.op_final = true;
    request.op_ok = ok;
    request.op_latency_ms = round3(record.latencyMs);
    ctx.onRequest(request);
    ctx.onOperation(record);
    return { record, lastAttempt: result, finalUrl: url };
  }
}

/**
 * A file step that cannot run because its page listed no file to install: a failed operation like any
 * other (pip fails the install with "No matching distribution"), counted in every figure, with no HTTP
 * request behind it (requests.ndjson records only requests sent). Returns the install's problem text.
 */
function noFileOperation(ctx: InstallContext, spec: InstallSpec, step: FlowStep, fetch: ProjectFetch, pagePath: string): string {
  const problem = `no ${fetch.pick === 'exact' ? fetch.version : 'installable'} file for ${fetch.project} on its index page`;
  const now = performance.now();
  ctx.onOperation({
    install: spec.id,
    iteration: spec.iteration,
    operation: step.operation,
    op: ctx.nextOperationId(),
    startPerf: now,
    endPerf: now,
    latencyMs: 0,
    ok: false,
    errorClass: 'no_file',
    error: problem,
    path: pagePath,
    httpRequests: 0,
  });
  return problem;
}

/** The jar an install's requests use: the run's (shared), its own (per-install), or none. */
function jarFor(ctx: InstallContext, spec: InstallSpec): HttpCookieJar | null {
  switch (ctx.client.cookies) {
    case 'shared':
      return ctx.sharedJars[spec.ofKind % ctx.sharedJars.length];
    case 'per-install':
      return new HttpCookieJar();
    case 'none':
      return null;
  }
}

/** requests' HTTPAdapter keeps at most this many connections per host: poetry's parallel requests share them. */
export const SESSION_POOL_SIZE = 10;

/**
 * poetry's install: every project's page (in parallel through one session), then, once all are read, every
 * picked file (in parallel through the same session's connections). A page that fails fails the install
 * before any download, as resolution does.
 */
async function runPhasedInstall(ctx: InstallContext, spec: InstallSpec, flow: Flow): Promise<InstallResult> {
  const timeoutMs = ctx.client.timeoutSeconds * 1000;
  const connections = new InstallConnections(ctx.counter, timeoutMs);
  const jar = jarFor(ctx, spec);
  let firstDispatchPerf: number | null = null;
  const markFirst = (perf: number) => {
    if (firstDispatchPerf === null) firstDispatchPerf = perf;
  };
  const [pageStep, fileStep] = flow.steps;
  let operations = 0;
  let stopped = false;
  /** Runs `work` for every project on at most SESSION_POOL_SIZE connections (slot = the worker). */
  const inParallel = async <T>(work: (fetch: ProjectFetch, slot: number) => Promise<T>): Promise<T[]> => {
    const out: T[] = new Array(spec.projects.length);
    let next = 0;
    const worker = async (slot: number) => {
      for (let i = next++; i < spec.projects.length; i = next++) out[i] = await work(spec.projects[i], slot);
    };
    await Promise.all(Array.from({ length: Math.min(SESSION_POOL_SIZE, spec.projects.length) }, (_, slot) => worker(slot)));
    return out;
  };
  try {
    const pages = await inParallel(async (fetch, slot) => {
      const run = await runOperation(ctx, spec, pageStep, new URL(stepPath(pageStep, fetch.project), ctx.base), connections, jar, true, markFirst, slot);
      if (!run) {
        stopped = true;
        return null;
      }
      operations += 1;
      return run.record.ok ? { links: parseIndexPage(run.lastAttempt.body ?? '', run.lastAttempt.contentType, run.finalUrl.href), path: run.finalUrl.pathname } : null;
    });
    if (stopped) return { id: spec.id, ok: false, problem: 'stopped', operations, firstDispatchPerf };
    const failed = pages.findIndex((links) => links === null);
    if (failed >= 0) return { id: spec.id, ok: false, problem: `${pageStep.operation} failed`, operations, firstDispatchPerf };
    const links = spec.projects.map((fetch, i) => pickLink(pages[i]!.links, fetch));
    if (links.some((link) => link === null)) {
      // Resolution fails before any download; each project without a file is a failed download.
      let problem = '';
      links.forEach((link, i) => {
        if (link !== null) return;
        const text = noFileOperation(ctx, spec, fileStep, spec.projects[i], pages[i]!.path);
        problem ||= text;
        operations += 1;
      });
      return { id: spec.id, ok: false, problem, operations, firstDispatchPerf };
    }
    const downloads = await inParallel(async (fetch, slot) => {
      const run = await runOperation(ctx, spec, fileStep, new URL(links[spec.projects.indexOf(fetch)]!.url), connections, jar, false, markFirst, slot);
      if (!run) stopped = true;
      else operations += 1;
      return run?.record.ok ?? false;
    });
    if (stopped) return { id: spec.id, ok: false, problem: 'stopped', operations, firstDispatchPerf };
    const ok = downloads.every(Boolean);
    return { id: spec.id, ok, ...(ok ? {} : { problem: `${fileStep.operation} failed` }), operations, firstDispatchPerf };
  } finally {
    void connections.close();
  }
}

/** Runs one install to its end (or until the context's signal aborts it). Never throws on HTTP failures. */
export async function runInstall(ctx: InstallContext, spec: InstallSpec): Promise<InstallResult> {
  const flow: Flow = FLOWS[ctx.flow];
  if (flow.requirementsOrder === 'pages-then-files') return runPhasedInstall(ctx, spec, flow);
  const timeoutMs = ctx.client.timeoutSeconds * 1000;
  let connections = new InstallConnections(ctx.counter, timeoutMs);
  const jar = jarFor(ctx, spec);
  let firstDispatchPerf: number | null = null;
  const markFirst = (perf: number) => {
    if (firstDispatchPerf === null) firstDispatchPerf = perf;
  };
  let operations = 0;
  let ok = true;
  let problem: string | undefined;
  let page: { links: FileLink[]; path: string } | null = null;
  // Every project's steps in turn, on the install's connection (pip install -r: one process, one session).
  const steps = spec.projects.flatMap((fetch) => flow.steps.map((step) => ({ step, fetch })));
  try {
    for (let i = 0; i < steps.length; i += 1) {
      const { step, fetch } = steps[i];
      const next = steps[i + 1]?.step;
      let url: URL;
      if (step.source === 'link-from-page') {
        const link = page ? pickLink(page.links, fetch) : null;
        if (!link) {
          ok = false;
          // Without a page (it failed) the step never runs, as pip stops; a page without the file is a failed step.
          if (page) {
            problem = noFileOperation(ctx, spec, step, fetch, page.path);
            operations += 1;
          } else problem = `no page to find ${fetch.project}'s file on`;
          break;
        }
        url = new URL(link.url);
      } else if (step.source === 'constructed-wheel') {
        url = new URL(fetch.fileUrl);
      } else {
        url = new URL(stepPath(step, fetch.project), ctx.base);
      }
      const keepBody = next?.source === 'link-from-page';
      const run = await runOperation(ctx, spec, step, url, connections, jar, keepBody, markFirst);
      if (!run) {
        ok = false;
        problem = 'stopped';
        break;
      }
      operations += 1;
      if (!run.record.ok) ok = false;
      if (keepBody) {
        page = run.record.ok ? { links: parseIndexPage(run.lastAttempt.body ?? '', run.lastAttempt.contentType, run.finalUrl.href), path: run.finalUrl.pathname } : null;
      }
      if (!run.record.ok && flow.stopOnFailure) {
        problem = `${step.operation} failed`;
        break;
      }
      if (!ctx.client.keepAlive && i < steps.length - 1) {
        // Without keep-alive each operation opens its own connection (requests.get).
        void connections.close();
        connections = new InstallConnections(ctx.counter, timeoutMs);
      }
    }
  } finally {
    void connections.close();
  }
  return { id: spec.id, ok, ...(problem ? { problem } : {}), operations, firstDispatchPerf };
}

