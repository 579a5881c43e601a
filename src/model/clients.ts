import type { Uniform } from '../sim/rng.js';
import type { Scheduler } from '../sim/scheduler.js';
import type { Flow } from '../scenario/flows.js';
import { retryBackoffSeconds } from '../scenario/retry-backoff.js';
import type { ClientBehaviour } from '../scenario/types.js';
import type { BalancerClient } from './balancer/load-balancer.js';
import { CookieJar } from './cookie-jar.js';
import { type ClientConnection, type Exchange, type ExchangeOrigin, type FailureCause, newExchange } from './exchange.js';
import type { RunRecorder } from './recorder.js';
import type { RequestObserver } from './request-observer.js';
import type { InstallRunner } from './workload.js';

/** What the clients need of the balancer in front of the tasks. */
export interface ClientFacingBalancer extends ExchangeOrigin<BalancerClient> {
  readonly nodeCount: number;
  readonly config: { readonly processingMs: number };
  /** false: the node does not accept the connection (it times out). */
  openConnection(node: number): boolean;
  receive(exchange: Exchange<BalancerClient>): void;
}

/** One kind of install: its flow, its client's behaviour, and where the recorder counts each of its operations. */
export interface ClientKind {
  flow: Flow;
  behaviour: ClientBehaviour;
  /** For each step of the flow, the recorder's operation index. */
  operations: readonly number[];
}

export interface ClientOptions {
  scheduler: Scheduler;
  balancer: ClientFacingBalancer;
  /** The one kind of install (a scenario without a flow mix)... */
  flow?: Flow;
  behaviour?: ClientBehaviour;
  /** ...or the kinds of a mix, and which kind install k is (src/scenario/flow-mix.ts). */
  kinds?: readonly ClientKind[];
  pick?: (install: number) => number;
  recorder: RunRecorder;
  /** Network round trip between the clients and the balancer, ms. */
  rttMs: number;
  /** How long a client waits for a connection the balancer does not accept, ms. */
  connectTimeoutMs: number;
  /** A generator that starts a burst from one event loop reads no response before it has dispatched it: this x installs, ms. */
  burstDispatchMsPerInstall: number;
  /** Which balancer node a new connection goes to. */
  routingRng: Uniform;
  /** Sees every request the balancer receives (for writing a simulated access log). */
  observer?: RequestObserver;
}

/** A kind with what the clients check per request. */
interface Kind extends ClientKind {
  timeoutMs: number;
  retryStatuses: Set<number>;
  /**
   * The jars of this kind's installs when its `client.cookies` is shared: one per kind and run, or its
   * `client.sharedJars`, the kind's install k using jar k mod their number.
   */
  sharedJars: CookieJar[];
  /** This kind's installs started so far. */
  installsStarted: number;
}

/** The jar the next install of `kind` uses: one of its kind's shared ones, its own, or none. */
function jarForInstall(kind: Kind): CookieJar | null {
  const k = kind.installsStarted++;
  switch (kind.behaviour.cookies) {
    case 'shared':
      return kind.sharedJars[k % kind.sharedJars.length];
    case 'per-install':
      return new CookieJar();
    case 'none':
      return null;
  }
}

/** One "pip install" in progress. */
class Install implements BalancerClient {
  opIndex = 0;
  requestIndex = 0;
  /** Retries spent on the current request. */
  attempt = 0;
  connection: ClientConnection | null = null;
  current: Exchange<Install> | null = null;
  timeoutHandle = -1;

  constructor(
    private readonly clients: ClientPopulation,
    readonly kind: Kind,
    public opStart: number,
    /** The cookie jar its requests use (the run's shared one, its own, or none). */
    readonly jar: CookieJar | null,
    /** Runs once, when the install has finished (however it ended). */
    readonly done: () => void,
  ) {}

  balancerAnswered(exchange: Exchange<Install>, status: number): void {
    this.clients.answered(exchange, status);
  }
}

/**
 * The clients: each install runs its flow's steps in order (its kind's flow,
 * with a flow mix), one request at a time on its connection (kept alive
 * across requests when the scenario says so), follows the 303, gives up on a
 * request at the client timeout, and retries like pip (urllib3: connection
 * errors, timeouts and the listed statuses; sleep 0 before the first retry,
 * then factor x 2^(n-1), at most 120 s).
 * Cookies: each request carries the stickiness cookie of its install's jar,
 * and each response read updates that jar, in the order responses are read
 * (its kind's `client.cookies`: one jar for the kind's installs in the run,
 * or `client.sharedJars` of them taken in turn; one per install; or none).
 */
export class ClientPopulation implements InstallRunner {
  private readonly scheduler: Scheduler;
  private readonly balancer: ClientFacingBalancer;
  private readonly kinds: readonly Kind[];
  private readonly pick: (install: number) => number;
  private readonly recorder: RunRecorder;
  private readonly routingRng: Uniform;
  private readonly rttMs: number;
  private readonly halfRtt: number;
  private readonly returnDelay: number;
  private readonly connectTimeoutMs: number;
  private readonly burstDispatchMsPerInstall: number;
  private readonly observer: RequestObserver | null;
  private installsStarted = 0;
  private nextExchangeId = 0;
  private nextConnectionId = 0;
  /** No response is read before this time: the generator is still dispatching a burst. */
  private readingFrom = 0;

  constructor(options: ClientOptions) {
    this.scheduler = options.scheduler;
    this.balancer = options.balancer;
    const kinds = options.kinds ?? (options.flow && options.behaviour ? [{ flow: options.flow, behaviour: options.behaviour, operations: options.flow.steps.map((_, i) => i) }] : []);
    if (kinds.length === 0) throw new Error('ClientPopulation needs a flow and a behaviour, or kinds');
    this.kinds = kinds.map((k) => ({
      ...k,
      timeoutMs: k.behaviour.timeoutSeconds * 1000,
      retryStatuses: new Set(k.behaviour.retryStatuses),
      sharedJars: Array.from({ length: k.behaviour.sharedJars ?? 1 }, () => new CookieJar()),
      installsStarted: 0,
    }));
    this.pick = options.pick ?? (() => 0);
    this.recorder = options.recorder;
    this.routingRng = options.routingRng;
    this.rttMs = options.rttMs;
    this.halfRtt = options.rttMs / 2;
    this.returnDelay = this.halfRtt + options.balancer.config.processingMs / 2;
    this.connectTimeoutMs = options.connectTimeoutMs;
    this.burstDispatchMsPerInstall = options.burstDispatchMsPerInstall;
    this.observer = options.observer ?? null;
  }

  /**
   * A burst of `installs` starts. A generator that starts them all from one event loop (capsim validate)
   * reads no response until it has dispatched every one: burstDispatchMsPerInstall x installs.
   * Separate pip processes (the default, 0) read theirs at once.
   */
  burstStarted(installs: number): void {
    this.readingFrom = Math.max(this.readingFrom, this.scheduler.now + installs * this.burstDispatchMsPerInstall);
  }

  /** Starts install number `index` (default: the next); `onDone(arg)` runs when it has finished (however it ended). */
  startInstall<A>(onDone: (arg: A) => void, arg: A, index = this.installsStarted): void {
    this.installsStarted++;
    const kind = this.kinds[this.pick(index)];
    this.send(new Install(this, kind, this.scheduler.now, jarForInstall(kind), () => onDone(arg)));
  }

  private send(install: Install): void {
    const now = this.scheduler.now;
    let handshake = 0;
    if (!install.connection) {
      const node = Math.floor(this.routingRng() * this.balancer.nodeCount);
      install.connection = { id: this.nextConnectionId++, node, pinnedTarget: -1 };
      handshake = this.rttMs;
      if (!this.balancer.openConnection(node)) {
        // The node does not accept: the connect attempt times out.
        install.connection = null;
        this.recorder.requestSent(now);
        install.timeoutHandle = this.scheduler.after(Math.min(this.connectTimeoutMs, install.kind.timeoutMs), this.connectFailed, install);
        return;
      }
    }
    const kind = install.kind.flow.steps[install.opIndex].requests[install.requestIndex];
    const ex = newExchange<Install>(this.nextExchangeId++, kind, this.balancer, install.connection, install, now);
    install.jar?.attach(ex);
    install.current = ex;
    this.recorder.requestSent(now);
    install.timeoutHandle = this.scheduler.after(install.kind.timeoutMs, this.timedOut, install);
    this.scheduler.after(handshake + this.halfRtt, this.arriveAtBalancer, ex);
  }

  private readonly arriveAtBalancer = (ex: Exchange<Install>): void => {
    if (ex.owner.current !== ex) {
      // The client gave up before the request left; the balancer never sees it.
      ex.albClosed = true;
      ex.targetDone = true;
      return;
    }
    this.observer?.received(ex, this.scheduler.now);
    this.balancer.receive(ex);
  };

  /** The balancer's answer to one of our requests (through its install); read after the way back. */
  answered(ex: Exchange<Install>, status: number): void {
    ex.status = status;
    this.observer?.answered(ex, this.scheduler.now, status);
    this.scheduler.after(this.returnDelay, this.receive, ex);
  }

  private readonly receive = (ex: Exchange<Install>): void => {
    if (this.scheduler.now < this.readingFrom) {
      this.scheduler.at(this.readingFrom, this.receive, ex);
      return;
    }
    const install = ex.owner;
    if (install.current !== ex) return; // the client already gave up on it
    install.current = null;
    install.jar?.received(ex);
    this.scheduler.cancel(install.timeoutHandle);
    install.timeoutHandle = -1;
    const status = ex.status;
    this.recorder.responseReceived(this.scheduler.now, status);
    if (!install.kind.behaviour.keepAlive) install.connection = null;
    if (status < 400) {
      install.requestIndex++;
      install.attempt = 0;
      if (install.requestIndex < install.kind.flow.steps[install.opIndex].requests.length) this.send(install);
      else this.operationDone(install, true, null);
      return;
    }
    this.failed(install, causeOf(status), install.kind.retryStatuses.has(status));
  };

  private readonly timedOut = (install: Install): void => {
    if (install.current) this.observer?.abandoned(install.current, this.scheduler.now);
    install.timeoutHandle = -1;
    install.current = null;
    install.connection = null; // requests closes a connection it timed out on
    this.recorder.responseReceived(this.scheduler.now, 0);
    this.failed(install, 'clientTimeout', true);
  };

  private readonly connectFailed = (install: Install): void => {
    install.timeoutHandle = -1;
    this.recorder.responseReceived(this.scheduler.now, 0);
    this.failed(install, 'connectionError', true);
  };

  private failed(install: Install, cause: FailureCause, retryable: boolean): void {
    const behaviour = install.kind.behaviour;
    if (retryable && install.attempt < behaviour.retries) {
      install.attempt++;
      this.scheduler.after(retryBackoffSeconds(install.attempt, behaviour.backoffFactorSeconds) * 1000, this.retry, install);
      return;
    }
    this.operationDone(install, false, cause);
  }

  private readonly retry = (install: Install): void => this.send(install);

  private operationDone(install: Install, ok: boolean, cause: FailureCause | null): void {
    const now = this.scheduler.now;
    const flow = install.kind.flow;
    this.recorder.operation(install.kind.operations[install.opIndex], install.opStart, now, ok, cause);
    install.opIndex++;
    install.requestIndex = 0;
    install.attempt = 0;
    install.opStart = now;
    const more = install.opIndex < flow.steps.length && (ok || !flow.stopOnFailure);
    if (more) this.send(install);
    else install.done();
  }
}

function causeOf(status: number): FailureCause {
  if (status === 502) return 'http502';
  if (status === 503) return 'http503';
  if (status === 504) return 'http504';
  return 'httpOther';
}
