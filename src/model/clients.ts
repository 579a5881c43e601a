import type { Uniform } from '../sim/rng.js';
import type { Scheduler } from '../sim/scheduler.js';
import { retryBackoffSeconds } from '../scenario/retry-backoff.js';
import type { ClientBehaviour } from '../scenario/types.js';
import type { AlbClientSide, LoadBalancer } from './alb.js';
import { type ClientConnection, type Exchange, type FailureCause, newExchange } from './exchange.js';
import type { FlowDefinition } from './flows.js';
import type { ModelParameters } from './parameters.js';
import type { RunRecorder } from './recorder.js';
import type { RequestObserver } from './request-observer.js';

/** One "pip install" in progress. */
interface Install {
  opIndex: number;
  requestIndex: number;
  /** Retries spent on the current request. */
  attempt: number;
  opStart: number;
  connection: ClientConnection | null;
  current: Exchange | null;
  timeoutHandle: number;
  onDone: (arg: unknown) => void;
  doneArg: unknown;
}

/**
 * The clients: each install runs its flow's operations in order, one request
 * at a time on its connection (kept alive across requests when the scenario
 * says so), follows the 303, gives up on a request at the client timeout, and
 * retries like pip (urllib3: connection errors, timeouts and the listed
 * statuses; sleep 0 before the first retry, then factor x 2^(n-1), at most 120 s).
 */
export class ClientPopulation implements AlbClientSide {
  private nextExchangeId = 0;
  private nextConnectionId = 0;
  private readonly halfRtt: number;
  private readonly returnDelay: number;
  private readonly timeoutMs: number;
  private readonly retryStatuses: Set<number>;
  private alb!: LoadBalancer;
  /** No response is read before this time: the generator is still dispatching a burst. */
  private readingFrom = 0;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly p: ModelParameters,
    private readonly flow: FlowDefinition,
    private readonly client: ClientBehaviour,
    private readonly recorder: RunRecorder,
    private readonly routingRng: Uniform,
    private readonly observer: RequestObserver | null = null,
  ) {
    this.halfRtt = p['client.rttMs'] / 2;
    this.returnDelay = this.halfRtt + p['alb.processingMs'] / 2;
    this.timeoutMs = client.timeoutSeconds * 1000;
    this.retryStatuses = new Set(client.retryStatuses);
  }

  connect(alb: LoadBalancer): void {
    this.alb = alb;
  }

  /**
   * A burst of `installs` starts. A generator that starts them all from one event loop (capsim validate)
   * reads no response until it has dispatched every one: client.burstDispatchMsPerInstall x installs.
   * Separate pip processes (the default, 0) read theirs at once.
   */
  burstStarted(installs: number): void {
    this.readingFrom = Math.max(this.readingFrom, this.scheduler.now + installs * this.p['client.burstDispatchMsPerInstall']);
  }

  /** Starts one install; `onDone(arg)` runs when it has finished (however it ended). */
  startInstall(onDone: (arg: any) => void, arg: unknown): void {
    const install: Install = {
      opIndex: 0,
      requestIndex: 0,
      attempt: 0,
      opStart: this.scheduler.now,
      connection: null,
      current: null,
      timeoutHandle: -1,
      onDone,
      doneArg: arg,
    };
    this.send(install);
  }

  private send(install: Install): void {
    const now = this.scheduler.now;
    let handshake = 0;
    if (!install.connection) {
      const node = Math.floor(this.routingRng() * this.alb.nodeCount);
      install.connection = { id: this.nextConnectionId++, node, pinnedTarget: -1 };
      handshake = this.p['client.rttMs'];
      if (!this.alb.openConnection(node)) {
        // The node does not accept: the connect attempt times out.
        install.connection = null;
        this.recorder.requestSent(now);
        install.timeoutHandle = this.scheduler.after(Math.min(this.p['client.connectTimeoutS'] * 1000, this.timeoutMs), this.connectFailed, install);
        return;
      }
    }
    const kind = this.flow.operations[install.opIndex].requests[install.requestIndex];
    const ex = newExchange(this.nextExchangeId++, kind, this.alb, install.connection, install, now);
    install.current = ex;
    this.recorder.requestSent(now);
    install.timeoutHandle = this.scheduler.after(this.timeoutMs, this.timedOut, install);
    this.scheduler.after(handshake + this.halfRtt, this.arriveAtAlb, ex);
  }

  private readonly arriveAtAlb = (ex: Exchange): void => {
    const install = ex.owner as Install;
    if (install.current !== ex) {
      // The client gave up before the request left; the ALB never sees it.
      ex.albClosed = true;
      ex.targetDone = true;
      return;
    }
    this.observer?.received(ex, this.scheduler.now);
    this.alb.receive(ex);
  };

  albResponse(ex: Exchange, status: number): void {
    ex.status = status;
    this.observer?.answered(ex, this.scheduler.now, status);
    this.scheduler.after(this.returnDelay, this.receive, ex);
  }

  private readonly receive = (ex: Exchange): void => {
    if (this.scheduler.now < this.readingFrom) {
      this.scheduler.at(this.readingFrom, this.receive, ex);
      return;
    }
    const install = ex.owner as Install;
    if (install.current !== ex) return; // the client already gave up on it
    install.current = null;
    this.scheduler.cancel(install.timeoutHandle);
    install.timeoutHandle = -1;
    const status = ex.status;
    this.recorder.responseReceived(this.scheduler.now, status);
    if (!this.client.keepAlive) install.connection = null;
    if (status < 400) {
      install.requestIndex++;
      install.attempt = 0;
      if (install.requestIndex < this.flow.operations[install.opIndex].requests.length) this.send(install);
      else this.operationDone(install, true, null);
      return;
    }
    this.failed(install, causeOf(status), this.retryStatuses.has(status));
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
    if (retryable && install.attempt < this.client.retries) {
      install.attempt++;
      this.scheduler.after(retryBackoffSeconds(install.attempt, this.client.backoffFactorSeconds) * 1000, this.retry, install);
      return;
    }
    this.operationDone(install, false, cause);
  }

  private readonly retry = (install: Install): void => this.send(install);

  private operationDone(install: Install, ok: boolean, cause: FailureCause | null): void {
    const now = this.scheduler.now;
    this.recorder.operation(install.opIndex, install.opStart, now, ok, cause);
    install.opIndex++;
    install.requestIndex = 0;
    install.attempt = 0;
    install.opStart = now;
    const more = install.opIndex < this.flow.operations.length && (ok || this.flow.continueAfterFailure);
    if (more) this.send(install);
    else install.onDone(install.doneArg);
  }
}

function causeOf(status: number): FailureCause {
  if (status === 502) return 'http502';
  if (status === 503) return 'http503';
  if (status === 504) return 'http504';
  return 'httpOther';
}
