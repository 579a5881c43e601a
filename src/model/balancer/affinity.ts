import type { Exchange } from '../exchange.js';
import type { Target, TargetTask } from './target.js';

/**
 * Whether a request names the target it should go to, and what routing and
 * answering it leave behind for the next one. The balancer sends a request to
 * the target it names while that target is eligible (healthy and registered);
 * otherwise the routing policy places it. Two mechanisms name targets:
 * target-group stickiness (a cookie, STICKY_COOKIES) and keep-alive pinning
 * (a client connection, CONNECTION_PINNING); docs/model.md, "Balancer".
 */
export interface TargetAffinity {
  /** The target id the request asks for, or -1. */
  requested(exchange: Exchange): number;
  /** The request went to `target`. */
  routed(exchange: Exchange, target: Target<TargetTask>): void;
  /** The target answered the request (not the balancer itself): what the response carries. */
  answered(exchange: Exchange, now: number): void;
}

/** Every request is routed on its own. */
export const NO_AFFINITY: TargetAffinity = {
  requested: () => -1,
  routed: () => undefined,
  answered: () => undefined,
};

/** Every request of a client connection goes to the target its first request went to. */
export const CONNECTION_PINNING: TargetAffinity = {
  requested: (exchange) => (exchange.connection ? exchange.connection.pinnedTarget : -1),
  routed: (exchange, target) => {
    if (exchange.connection) exchange.connection.pinnedTarget = target.id;
  },
  answered: () => undefined,
};

/**
 * Duration-based target-group stickiness (lb_cookie): a request whose cookie
 * was issued less than `durationMs` ago names the cookie's target; every
 * response a target gives sets a fresh cookie naming that target (which the
 * client's jar keeps or not: src/model/cookie-jar.ts). A request with an
 * expired cookie, or none, is placed by the algorithm and its response
 * carries the cookie of wherever it went.
 */
export class StickyCookies implements TargetAffinity {
  constructor(
    private readonly durationMs: number,
    private readonly clock: { readonly now: number },
  ) {}

  requested(exchange: Exchange): number {
    if (exchange.cookieTarget < 0) return -1;
    return this.clock.now - exchange.cookieIssuedAt < this.durationMs ? exchange.cookieTarget : -1;
  }

  routed(): void {}

  answered(exchange: Exchange, now: number): void {
    exchange.setCookieTarget = exchange.target;
    exchange.setCookieIssuedAt = now;
  }
}

/** Several affinities at once: the first that names a target decides; each hears routing and answers. */
export function firstOf(affinities: readonly TargetAffinity[]): TargetAffinity {
  if (affinities.length === 0) return NO_AFFINITY;
  if (affinities.length === 1) return affinities[0];
  return {
    requested(exchange) {
      for (const a of affinities) {
        const asked = a.requested(exchange);
        if (asked >= 0) return asked;
      }
      return -1;
    },
    routed(exchange, target) {
      for (const a of affinities) a.routed(exchange, target);
    },
    answered(exchange, now) {
      for (const a of affinities) a.answered(exchange, now);
    },
  };
}
