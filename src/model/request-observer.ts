import type { Exchange } from './exchange.js';

/**
 * What the load balancer sees of each client request, in simulated time (ms):
 * enough to write the access log an ALB would write for a simulated run (the
 * ALB-log import's round-trip test does). Nothing in the model depends on it.
 */
export interface RequestObserver {
  /** The request reached the load balancer node of its connection. */
  received(ex: Exchange, atMs: number): void;
  /** The load balancer answered it: the target's status, or its own 502 / 503 / 504. */
  answered(ex: Exchange, atMs: number, status: number): void;
  /** The client gave up on it (its timeout) and closed the connection. */
  abandoned(ex: Exchange, atMs: number): void;
}
