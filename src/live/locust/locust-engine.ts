/**
 * The Locust engine: the generator's installs (same schedule, same picks, same kinds, same specs as
 * the native engine) run on Locust workers. Install k of its kind goes to worker `k mod workers` (so
 * with a shared cookie scope the kind's install k uses the jar of worker k mod W, as the native engine
 * and the model do with W jars); all installs of a
 * burst leave in one message per worker, written in one synchronous call. Workers stream every
 * finished request back (batched every 200 ms, at once when an install ends); this turns their
 * records into the native engine's: times on capsim's clock (the worker's monotonic clock plus the
 * offset its pings measured), run-wide operation ids (in the order their first request completes),
 * run-wide connection ids ("w<worker index>-c<n>"), and an operation record on each op_final.
 */
import { installKinds } from '../../scenario/flow-mix.js';
import { FLOWS } from '../../scenario/flows.js';
import { round3 } from '../abortable-sleep.js';
import type { EngineOptions, InstallEngine } from '../generator.js';
import type { InstallResult, InstallSpec, RequestRecord } from '../install.js';
import { stepPath } from '../step-path.js';
import type { EngineSummary } from '../summary.js';
import type { LocustCluster, LocustWorker, RelayMessage } from './cluster.js';

/** A request as a worker reports it: the native record, on the worker's clock and with its own numbering. */
type WireRecord = Omit<RequestRecord, 'time' | 't' | 'op' | 'connection'> & {
  /** The worker's monotonic clock at dispatch, ms. */
  start: number;
  /** The worker's own operation number. */
  op: number;
  /** The worker's own connection number. */
  connection: number | null;
};

interface WireDone {
  install: number;
  ok: boolean;
  problem?: string;
  operations: number;
  /** The worker's monotonic clock at the install's first dispatch, ms. */
  first: number | null;
}

interface Pending {
  resolve: (result: InstallResult) => void;
  worker: string;
}

interface WorkerCounts {
  installs: number;
  requests: number;
  operations: number;
  connections: number;
}

export interface LocustEngineOptions extends EngineOptions {
  cluster: LocustCluster;
  /** The master or a worker went away mid-run (its installs end as "worker lost"). */
  onFailure: (message: string) => void;
}

/** How long a hard stop waits for the workers' last records, ms. */
const FLUSH_WAIT_MS = 3000;

export class LocustEngine implements InstallEngine {
  private readonly pending = new Map<number, Pending>();
  private readonly operations = new Map<string, { id: number; startPerf: number; path: string; requests: number }>();
  private readonly counts = new Map<string, WorkerCounts>();
  private readonly byId = new Map<string, LocustWorker>();
  private readonly flushed = new Set<string>();
  private readonly lost = new Set<string>();
  private nextOperation = 0;
  private readonly kinds: ReturnType<typeof installKinds>;
  private aborted = false;
  private abortDone: Promise<void> | null = null;

  constructor(private readonly options: LocustEngineOptions) {
    this.kinds = installKinds(options.scenario);
    for (const worker of options.cluster.workers) {
      this.byId.set(worker.id, worker);
      this.counts.set(worker.id, { installs: 0, requests: 0, operations: 0, connections: 0 });
    }
    options.cluster.on('message', this.onMessage);
    options.cluster.on('exit', this.onExit);
    const onStop = () => options.cluster.send({ type: 'stop' });
    if (options.stopSignal.aborted) onStop();
    else options.stopSignal.addEventListener('abort', onStop, { once: true });
    if (options.hardSignal.aborted) void this.abort();
    else options.hardSignal.addEventListener('abort', () => void this.abort(), { once: true });
  }

  private get workers(): LocustWorker[] {
    return this.options.cluster.workers;
  }

  get connectionsOpened(): number {
    return [...this.counts.values()].reduce((sum, c) => sum + c.connections, 0);
  }

  /** An install as a worker takes it: its kind, its flow's first URL of every step (null where the link comes from the page). */
  private wire(spec: InstallSpec) {
    const flow = FLOWS[this.kinds[spec.kind].flow];
    return {
      id: spec.id,
      iteration: spec.iteration,
      kind: spec.kind,
      projects: spec.projects.map((fetch) => ({
        project: fetch.project,
        version: fetch.version,
        pick: fetch.pick,
        fileName: fetch.fileName,
        urls: flow.steps.map((step) =>
          step.source === 'link-from-page' ? null : step.source === 'constructed-wheel' ? fetch.fileUrl : new URL(stepPath(step, fetch.project), this.options.base).href,
        ),
      })),
    };
  }

  start(specs: InstallSpec[]): Array<Promise<InstallResult>> {
    const batches = new Map<string, ReturnType<LocustEngine['wire']>[]>();
    const running = specs.map((spec) => {
      const worker = this.workers[spec.ofKind % this.workers.length];
      if (this.aborted || this.lost.has(worker.id)) return Promise.resolve(this.ended(spec.id, this.aborted ? 'stopped' : 'worker lost'));
      this.counts.get(worker.id)!.installs += 1;
      const batch = batches.get(worker.id) ?? [];
      batch.push(this.wire(spec));
      batches.set(worker.id, batch);
      return new Promise<InstallResult>((resolve) => this.pending.set(spec.id, { resolve, worker: worker.id }));
    });
    for (const [worker, installs] of batches) this.options.cluster.send({ type: 'installs', worker, installs });
    return running;
  }

  private ended(id: number, problem: string): InstallResult {
    return { id, ok: false, problem, operations: 0, firstDispatchPerf: null };
  }

  private readonly onMessage = (message: RelayMessage): void => {
    const worker = message.worker ? this.byId.get(message.worker) : undefined;
    if (message.type === 'events' && worker) this.take(worker, message.data as unknown as { records: WireRecord[]; done: WireDone[]; connections: number });
    else if (message.type === 'flushed' && worker) this.flushed.add(worker.id);
    else if (message.type === 'lost' && worker) this.loseWorker(worker.id, `the Locust worker on ${worker.host} (index ${worker.index}) left the run`);
  };

  private readonly onExit = ({ name, code, pid }: { name: string; code: number | null; pid?: number }): void => {
    if (name === 'master') {
      this.options.onFailure(`the Locust master ended mid-run (code ${code})`);
      for (const id of this.byId.keys()) this.loseWorker(id, null);
      return;
    }
    const worker = this.workers.find((w) => w.local && w.pid === pid);
    if (worker) this.loseWorker(worker.id, `the Locust worker ${name} (pid ${pid}) exited mid-run (code ${code})`);
  };

  private loseWorker(id: string, message: string | null): void {
    if (this.lost.has(id)) return;
    this.lost.add(id);
    this.flushed.add(id);
    if (message !== null && !this.aborted) this.options.onFailure(message);
    for (const [install, pending] of [...this.pending]) {
      if (pending.worker !== id) continue;
      this.pending.delete(install);
      pending.resolve(this.ended(install, 'worker lost'));
    }
  }

  private take(worker: LocustWorker, data: { records: WireRecord[]; done: WireDone[]; connections: number }): void {
    const { runStartPerf, wallOffsetMs } = this.options;
    const counts = this.counts.get(worker.id)!;
    counts.connections = data.connections;
    for (const r of data.records) {
      const startPerf = r.start + worker.clockOffsetMs;
      const key = `${worker.id}/${r.op}`;
      let op = this.operations.get(key);
      if (!op) {
        op = { id: ++this.nextOperation, startPerf, path: r.path, requests: 0 };
        this.operations.set(key, op);
      }
      op.requests += 1;
      counts.requests += 1;
      const record: RequestRecord = {
        time: new Date(wallOffsetMs + startPerf + r.latency_ms).toISOString(),
        t: round3((startPerf - runStartPerf) / 1000),
        install: r.install,
        iteration: r.iteration,
        operation: r.operation,
        op: op.id,
        attempt: r.attempt,
        hop: r.hop,
        method: 'GET',
        path: r.path,
        status: r.status,
        latency_ms: r.latency_ms,
        bytes: r.bytes,
        error_class: r.error_class,
        ...(r.error ? { error: r.error } : {}),
        connection: r.connection === null ? null : `w${worker.index}-c${r.connection}`,
        upstream: r.upstream,
        ...(r.op_final ? { op_final: true as const, op_ok: r.op_ok, op_latency_ms: r.op_latency_ms } : {}),
      };
      this.options.onRequest(record);
      if (!r.op_final) continue;
      this.operations.delete(key);
      counts.operations += 1;
      const endPerf = startPerf + r.latency_ms;
      const ok = r.op_ok === true;
      this.options.onOperation({
        install: r.install,
        iteration: r.iteration,
        operation: r.operation,
        op: op.id,
        startPerf: op.startPerf,
        endPerf,
        latencyMs: endPerf - op.startPerf,
        ok,
        ...(r.status !== null ? { status: r.status } : {}),
        ...(!ok ? { errorClass: r.error_class ?? 'other', error: r.error ?? `HTTP ${r.status}` } : {}),
        path: op.path,
        httpRequests: op.requests,
      });
    }
    for (const d of data.done) {
      const pending = this.pending.get(d.install);
      if (!pending) continue;
      this.pending.delete(d.install);
      pending.resolve({
        id: d.install,
        ok: d.ok,
        ...(d.problem ? { problem: d.problem } : {}),
        operations: d.operations,
        firstDispatchPerf: d.first === null ? null : d.first + worker.clockOffsetMs,
      });
    }
  }

  /** A hard stop: workers kill their installs and send what they finished; what is still running ends as stopped. */
  abort(): Promise<void> {
    if (this.abortDone) return this.abortDone;
    this.aborted = true;
    this.options.cluster.send({ type: 'abort' });
    this.abortDone = new Promise<void>((resolve) => {
      const deadline = setTimeout(finish, FLUSH_WAIT_MS);
      const poll = setInterval(() => {
        if (this.workers.every((w) => this.flushed.has(w.id))) finish();
      }, 20);
      function finish() {
        clearTimeout(deadline);
        clearInterval(poll);
        resolve();
      }
    }).then(() => {
      for (const [install, pending] of [...this.pending]) {
        this.pending.delete(install);
        pending.resolve(this.ended(install, 'stopped'));
      }
    });
    return this.abortDone;
  }

  /** Stops listening to the cluster (the run is over). */
  detach(): void {
    this.options.cluster.off('message', this.onMessage);
    this.options.cluster.off('exit', this.onExit);
  }

  describe(): Omit<EngineSummary, 'cookies'> {
    const master = this.options.cluster.masterInfo;
    return {
      name: 'locust',
      version: master?.locust ?? '?',
      workers: this.workers.length,
      version_source: master?.source ?? '?',
      master: this.options.cluster.master,
      per_worker: this.workers.map((w) => {
        const c = this.counts.get(w.id)!;
        return {
          index: w.index,
          host: w.host,
          pid: w.pid,
          local: w.local,
          installs: c.installs,
          requests: c.requests,
          operations: c.operations,
          connections: c.connections,
          clock_uncertainty_ms: round3(w.clockRttMs / 2),
        };
      }),
    };
  }
}
