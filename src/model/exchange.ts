import type { PsJob } from '../sim/processor-sharing.js';
import type { RequestKind } from './service-demand.js';

/** How an HTTP request ended for the client when it did not get a response below 400. */
export const FAILURE_CAUSES = ['clientTimeout', 'connectionError', 'http502', 'http503', 'http504', 'httpOther'] as const;
export type FailureCause = (typeof FAILURE_CAUSES)[number];

/** Where a server-side answer goes: the balancer (client traffic) or the health checker. */
export interface ExchangeOrigin<Owner = unknown> {
  targetAnswered(exchange: Exchange<Owner>, status: number): void;
}

/** A client connection to a balancer node; with keep-alive an install reuses one. */
export interface ClientConnection {
  id: number;
  node: number;
  /** Target of the first request, for per-connection routing (keep-alive pinning); -1 before. */
  pinnedTarget: number;
}

/**
 * One HTTP request on its way through the stack. `owner` is whoever sent it
 * (a client's install, a health check), typed so that each side reads its
 * own state back without a cast; `origin` is where the target's answer goes.
 */
export interface Exchange<Owner = unknown> {
  id: number;
  kind: RequestKind;
  origin: ExchangeOrigin<Owner>;
  connection: ClientConnection | null;
  owner: Owner;
  /** Time the client sent it. */
  sentAt: number;
  /** Target (task id) the balancer chose, -1 before routing. */
  target: number;
  /** The target has answered (or reset) it: later events for it are ignored by the balancer. */
  targetDone: boolean;
  /** The balancer has closed it toward the client (answered, 504, or client gone). */
  albClosed: boolean;
  /** Server-side state while a worker runs it. */
  cpuJob: PsJob | null;
  ioHandle: number;
  workerIndex: number;
  /** Extra blocked time from page faults on swapped memory, ms. */
  stallMs: number;
  /** Status the balancer answered the client with (0 until then). */
  status: number;
  /** Whether it counts toward burst routing shares. */
  duringBurst: boolean;
  /** The stickiness cookie the request carries: the target it names (-1: none) and when the balancer issued it, ms. */
  cookieTarget: number;
  cookieIssuedAt: number;
  /** The stickiness cookie its response sets (-1: none) and when it was issued, ms. */
  setCookieTarget: number;
  setCookieIssuedAt: number;
}

/** A fresh exchange: only who sends it, what, to where, and when vary. */
export function newExchange<Owner>(
  id: number,
  kind: RequestKind,
  origin: ExchangeOrigin<Owner>,
  connection: ClientConnection | null,
  owner: Owner,
  sentAt: number,
  target = -1,
): Exchange<Owner> {
  return {
    id,
    kind,
    origin,
    connection,
    owner,
    sentAt,
    target,
    targetDone: false,
    albClosed: false,
    cpuJob: null,
    ioHandle: -1,
    workerIndex: -1,
    stallMs: 0,
    status: 0,
    duringBurst: false,
    cookieTarget: -1,
    cookieIssuedAt: 0,
    setCookieTarget: -1,
    setCookieIssuedAt: 0,
  };
}
