import type { Exchange } from './exchange.js';

/**
 * A client's cookie jar, as far as the balancer's stickiness cookie goes: it
 * holds the cookie of the latest response it read that set one, and every
 * request sent from it carries that cookie. Who shares a jar is the
 * scenario's `client.cookies` (docs/traffic.md, "Cookies and connections"):
 * the whole run (`shared`: the seed tool's one requests.Session, updated in
 * the order responses complete), each install (`per-install`: a pip
 * process), or nobody (`none`: no jar at all).
 */
export class CookieJar {
  private target = -1;
  private issuedAt = 0;

  /** A request is about to be sent from this jar: it carries the cookie held (if any). */
  attach(exchange: Exchange): void {
    exchange.cookieTarget = this.target;
    exchange.cookieIssuedAt = this.issuedAt;
  }

  /** A response was read: a cookie it sets replaces the one held. */
  received(exchange: Exchange): void {
    if (exchange.setCookieTarget < 0) return;
    this.target = exchange.setCookieTarget;
    this.issuedAt = exchange.setCookieIssuedAt;
  }
}
