/**
 * A Locust master and its workers, as processes capsim runs and talks to:
 * - the master runs headless (`--expect-workers N`, one user per worker) with the run's locustfile,
 *   and relays between capsim and the workers over a socket on its file descriptor 3 (one JSON
 *   object a line): capsim's installs, pings and stop / abort / quit go out through Locust's own
 *   custom messages, the workers' hello, ready, request records, pongs and flush acknowledgements
 *   come back the same way;
 * - local workers are started here; workers elsewhere connect to the master's port by themselves
 *   (`--locust-expect-workers`).
 * Every process capsim starts runs in its own process group (a Ctrl-C at the terminal reaches
 * capsim only, which stops the run in order), watches that capsim is still its parent, and is
 * SIGKILLed with its group if capsim exits first. Their output is kept (credentials removed) for
 * the run's locust.log. Each worker's clock is tied to capsim's by pings (the round trip halved).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import net from 'node:net';
import { hostname } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { Duplex } from 'node:stream';
import { UserError } from '../../errors.js';
import { CREDENTIAL_VARIABLES } from './locustfile.js';

/** Debian's interpreter, where its python3-locust is installed. */
export const DEFAULT_LOCUST_PYTHON = '/usr/bin/python3';

const HINT = "install Debian's python3-locust (apt-get install python3-locust) or name an interpreter that has it with --locust-python";

/** What the master says of itself when it starts. */
export interface LocustMaster {
  /** The digest of its locustfile's configuration. */
  config: string;
  /** The version its runner reports, and where that comes from (Debian's 2.12 reports none: see the locustfile). */
  locust: string;
  source: string;
  python: string;
  host: string;
  pid: number;
}

export interface ClusterOptions {
  /** An interpreter that imports Locust. */
  python: string;
  /** Path of the run's locustfile. */
  locustfile: string;
  /** Workers started here. */
  localWorkers: number;
  /** Workers started elsewhere that the run waits for. */
  remoteWorkers: number;
  /** Interface the master listens on for workers (loopback unless workers come from elsewhere). */
  bindHost: string;
  /** The master's port for workers; 0 picks a free one. */
  port: number;
  /** How long to wait for every worker, seconds. */
  connectTimeoutS: number;
  /** The master ends the run by itself after this long (Locust's --run-time), seconds. */
  runTimeBoundS: number;
  /** Credentials for local workers, by environment only. */
  username?: string;
  password?: string;
  /** Whether the target is loopback: then every worker must run on this host. */
  loopbackTarget: boolean;
  /** Removes credentials from a text. */
  redact: (text: string) => string;
  /** Aborts the wait for workers (Ctrl-C before the load): the start fails with exit 130. */
  signal?: AbortSignal;
}

export interface LocustWorker {
  /** Locust's client id (host_uuid). */
  id: string;
  /** The master's 0-based worker index. */
  index: number;
  host: string;
  pid: number;
  /** Started by this capsim. */
  local: boolean;
  python: string;
  locust: string;
  /** capsim's performance clock minus the worker's monotonic clock, ms. */
  clockOffsetMs: number;
  /** The round trip of the ping the offset comes from, ms. */
  clockRttMs: number;
}

/** A message from the master's relay. */
export interface RelayMessage {
  type: 'master' | 'hello' | 'ready' | 'events' | 'pong' | 'flushed' | 'lost';
  worker?: string;
  index?: number;
  data?: Record<string, unknown>;
}

interface Started {
  name: string;
  child: ChildProcess;
  exited: Promise<number | null>;
  code?: number | null;
}

const LOG_LINES = 5000;
const PINGS = 5;

/** A free TCP port on `host` (the master binds it right after). */
function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, host === '*' ? undefined : host, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** The environment of a process capsim starts: no credentials unless given explicitly. */
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1', CAPSIM_PARENT_PID: String(process.pid) };
  delete env[CREDENTIAL_VARIABLES.usernameVariable];
  delete env[CREDENTIAL_VARIABLES.passwordVariable];
  delete env.CAPSIM_CONTROL_FD;
  return { ...env, ...extra };
}

export class LocustCluster extends EventEmitter {
  readonly workers: LocustWorker[] = [];
  /** Locust's own output, credentials removed, each line prefixed with its process. */
  readonly log: string[] = [];
  port = 0;
  private readonly started: Started[] = [];
  private control: Duplex | null = null;
  /** Set once the master's relay has said who it is. */
  masterInfo: LocustMaster | null = null;
  private readonly hellos = new Map<string, LocustWorker>();
  private readonly ready = new Set<string>();
  private readonly killOnExit = () => this.killAll();
  private closing = false;
  /** Why Locust cannot run here, when a process showed it. */
  private missing: string | null = null;

  private constructor(private readonly options: ClusterOptions) {
    super();
    this.setMaxListeners(0);
  }

  /** Starts the master and the local workers and waits until every worker is ready with its clock tied to ours. */
  static async start(options: ClusterOptions): Promise<LocustCluster> {
    const cluster = new LocustCluster(options);
    try {
      await cluster.launch();
      await cluster.waitForWorkers();
      await cluster.syncClocks();
      return cluster;
    } catch (error) {
      await cluster.close(0);
      throw error;
    }
  }

  get expectedWorkers(): number {
    return this.options.localWorkers + this.options.remoteWorkers;
  }

  private keepLog(name: string, chunk: Buffer, rest: { text: string }): void {
    const text = rest.text + chunk.toString('utf8');
    const lines = text.split('\n');
    rest.text = lines.pop() ?? '';
    for (const line of lines) {
      if (line.trim() === '') continue;
      this.log.push(`[${name}] ${this.options.redact(line)}`);
      if (this.log.length > LOG_LINES) this.log.splice(0, this.log.length - LOG_LINES);
    }
  }

  private spawnLocust(name: string, args: string[], env: NodeJS.ProcessEnv, control: boolean): Started {
    const child = spawn(this.options.python, ['-m', 'locust', '-f', this.options.locustfile, ...args], {
      env,
      detached: true,
      stdio: control ? ['ignore', 'pipe', 'pipe', 'pipe'] : ['ignore', 'pipe', 'pipe'],
    });
    const rest = { text: '' };
    child.stdout?.on('data', (chunk: Buffer) => this.keepLog(name, chunk, rest));
    child.stderr?.on('data', (chunk: Buffer) => this.keepLog(name, chunk, rest));
    const entry: Started = { name, child, exited: Promise.resolve(null) };
    entry.exited = new Promise((resolve) => {
      child.once('error', (error) => {
        this.log.push(`[${name}] could not start: ${error.message}`);
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') this.missing = `--engine locust needs Locust, and ${this.options.python} does not exist: ${HINT}`;
        entry.code = -1;
        resolve(-1);
      });
      child.once('exit', (code, signal) => {
        entry.code = code ?? (signal ? -1 : null);
        resolve(entry.code);
      });
    });
    void entry.exited.then((code) => {
      if (!this.closing) this.emit('exit', { name, code, pid: child.pid });
    });
    this.started.push(entry);
    return entry;
  }

  private async launch(): Promise<void> {
    const o = this.options;
    process.on('exit', this.killOnExit);
    this.port = o.port > 0 ? o.port : await freePort(o.bindHost);
    const n = this.expectedWorkers;
    const master = this.spawnLocust(
      'master',
      [
        '--master', '--headless',
        '--master-bind-host', o.bindHost,
        '--master-bind-port', String(this.port),
        '--expect-workers', String(n),
        '--expect-workers-max-wait', String(o.connectTimeoutS),
        '--users', String(n),
        '--spawn-rate', String(n),
        '--run-time', `${Math.ceil(o.runTimeBoundS)}s`,
        '--stop-timeout', '0',
        '--only-summary',
        '--exit-code-on-error', '0',
      ],
      childEnv({ CAPSIM_CONTROL_FD: '3' }),
      true,
    );
    this.control = master.child.stdio[3] as Duplex;
    let buffered = '';
    this.control.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      for (let at = buffered.indexOf('\n'); at >= 0; at = buffered.indexOf('\n')) {
        const line = buffered.slice(0, at);
        buffered = buffered.slice(at + 1);
        if (line.trim() !== '') this.receive(JSON.parse(line) as RelayMessage);
      }
    });
    this.control.on('error', () => undefined);
    const credentials: Record<string, string> = {};
    if (o.username !== undefined && o.password !== undefined) {
      credentials[CREDENTIAL_VARIABLES.usernameVariable] = o.username;
      credentials[CREDENTIAL_VARIABLES.passwordVariable] = o.password;
    }
    for (let i = 0; i < o.localWorkers; i += 1) {
      this.spawnLocust(`worker ${i + 1}`, ['--worker', '--master-host', '127.0.0.1', '--master-port', String(this.port)], childEnv(credentials), false);
    }
  }

  private receive(message: RelayMessage): void {
    if (message.type === 'master') {
      const d = message.data ?? {};
      this.masterInfo = { config: String(d.config), locust: String(d.locust), source: String(d.source), python: String(d.python), host: String(d.host), pid: Number(d.pid) };
    }
    else if (message.type === 'hello' && message.worker) {
      const data = message.data ?? {};
      this.hellos.set(message.worker, {
        id: message.worker,
        index: message.index ?? -1,
        host: String(data.host ?? '?'),
        pid: Number(data.pid ?? 0),
        local: data.local === true,
        python: String(data.python ?? '?'),
        locust: String(data.locust ?? '?'),
        clockOffsetMs: 0,
        clockRttMs: 0,
      });
      this.checkWorker(message.worker, String(data.config ?? ''));
    } else if (message.type === 'ready' && message.worker) this.ready.add(message.worker);
    this.emit('message', message);
  }

  private checkWorker(id: string, config: string): void {
    const worker = this.hellos.get(id)!;
    if (this.masterInfo !== null && config !== this.masterInfo.config) {
      this.emit('refused', `the Locust worker on ${worker.host} (pid ${worker.pid}) runs a different locustfile (another scenario, flow, client or target): write it again with --print-locustfile and the same flags`);
    } else if (this.options.loopbackTarget && worker.host !== hostname()) {
      this.emit('refused', `the Locust worker on ${worker.host} would send the load to its own loopback address: the target is loopback, so every worker must run on ${hostname()}`);
    }
  }

  /** Sends a message to the master's relay. */
  send(message: Record<string, unknown>): void {
    if (!this.control || this.control.destroyed) return;
    this.control.write(`${JSON.stringify(message)}\n`);
  }

  private lastLogLine(name?: string): string {
    const lines = this.log.filter((line) => (name ? line.startsWith(`[${name}]`) : true) && !/^\[[^\]]+\]\s*$/.test(line));
    const errors = lines.filter((line) => /error|Error|refus|Traceback|failed/i.test(line));
    return (errors.pop() ?? lines.pop() ?? '(no output)').slice(0, 300);
  }

  private waitForWorkers(): Promise<void> {
    const n = this.expectedWorkers;
    return new Promise((resolve, reject) => {
      const done = (error?: Error) => {
        clearTimeout(timer);
        this.off('message', onMessage);
        this.off('exit', onExit);
        this.off('refused', onRefused);
        this.options.signal?.removeEventListener('abort', onAbort);
        if (error) reject(error);
        else resolve();
      };
      const onAbort = () => done(new UserError(`interrupted while waiting for the Locust workers (${count()} of ${n} ready); nothing was sent`, 130));
      const count = () => [...this.ready].filter((id) => this.hellos.has(id)).length;
      const onMessage = () => {
        if (this.masterInfo !== null && count() >= n) {
          for (const id of this.ready) if (this.hellos.has(id) && this.workers.length < n) this.workers.push(this.hellos.get(id)!);
          this.workers.sort((a, b) => a.index - b.index);
          done();
        }
      };
      const onExit = ({ name, code }: { name: string; code: number | null }) => {
        const cannotImport = this.log.find((line) => line.startsWith(`[${name}]`) && /(ModuleNotFoundError|ImportError): .*locust|No module named '?locust/.test(line));
        if (this.missing) done(new UserError(this.missing));
        else if (cannotImport) done(new UserError(`--engine locust: ${this.options.python} cannot import Locust (${cannotImport.replace(/^\[[^\]]+\]\s*/, '')}): ${HINT}`));
        else done(new UserError(`Locust ${name} exited (code ${code}) before the run started: ${this.lastLogLine(name)}`));
      };
      const onRefused = (why: string) => done(new UserError(why));
      const timer = setTimeout(() => {
        const elsewhere = this.options.remoteWorkers > 0 ? ` (${this.options.remoteWorkers} expected from elsewhere on port ${this.port})` : '';
        done(new UserError(`Locust: ${count()} of ${n} workers ready after ${this.options.connectTimeoutS} s${elsewhere}: ${this.lastLogLine()}`));
      }, this.options.connectTimeoutS * 1000);
      this.on('message', onMessage);
      this.on('exit', onExit);
      this.on('refused', onRefused);
      if (this.options.signal?.aborted) onAbort();
      else this.options.signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Ties each worker's monotonic clock to capsim's performance clock: the ping with the shortest round trip wins. */
  private async syncClocks(): Promise<void> {
    let seq = 0;
    const ping = (worker: LocustWorker) =>
      new Promise<{ rtt: number; offset: number }>((resolve, reject) => {
        const mine = ++seq;
        const sent = performance.now();
        const timer = setTimeout(() => {
          this.off('message', onMessage);
          reject(new UserError(`Locust worker on ${worker.host} did not answer a ping within 10 s`));
        }, 10_000);
        const onMessage = (message: RelayMessage) => {
          if (message.type !== 'pong' || message.worker !== worker.id || message.data?.seq !== mine) return;
          const received = performance.now();
          clearTimeout(timer);
          this.off('message', onMessage);
          resolve({ rtt: received - sent, offset: (sent + received) / 2 - Number(message.data.now) });
        };
        this.on('message', onMessage);
        this.send({ type: 'ping', worker: worker.id, seq: mine });
      });
    await Promise.all(
      this.workers.map(async (worker) => {
        let best = { rtt: Infinity, offset: 0 };
        for (let i = 0; i < PINGS; i += 1) {
          const sample = await ping(worker);
          if (sample.rtt < best.rtt) best = sample;
        }
        worker.clockOffsetMs = best.offset;
        worker.clockRttMs = best.rtt;
      }),
    );
  }

  /** Ends the master and every worker: asks them to quit, then kills what is left after `graceMs`. */
  async close(graceMs = 5000): Promise<void> {
    this.closing = true;
    this.send({ type: 'quit' });
    this.control?.end();
    const all = Promise.all(this.started.map((s) => s.exited));
    await Promise.race([all, new Promise((resolve) => setTimeout(resolve, graceMs))]);
    this.killAll();
    await Promise.race([all, new Promise((resolve) => setTimeout(resolve, 2000))]);
    process.off('exit', this.killOnExit);
  }

  /** SIGKILLs every process group capsim started (synchronous: also runs when capsim exits). */
  private killAll(): void {
    for (const s of this.started) {
      if (s.child.pid === undefined) continue;
      try {
        process.kill(-s.child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }

  /** The master's process id, and where it listens for workers. */
  get master(): { host: string; pid: number; bind: string; port: number } {
    return { host: hostname(), pid: this.started[0]?.child.pid ?? 0, bind: this.options.bindHost, port: this.port };
  }

  /** Process ids capsim started (each also its process group). */
  get pids(): number[] {
    return this.started.map((s) => s.child.pid).filter((pid): pid is number => pid !== undefined);
  }
}
