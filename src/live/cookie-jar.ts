/**
 * The cookie jar of the clients validate imitates (undici keeps none): the
 * cookies a response sets (`Set-Cookie`), sent back on later requests whose
 * path they cover, until they expire. The scope of a jar is the scenario's
 * `client.cookies`: one for the whole run (`shared`, the seed tool's one
 * requests.Session), one per install (`per-install`, a pip process), none.
 * A shared jar is updated in the order responses complete, as
 * requests.Session's is when its threads share it: the cookie of the latest
 * response wins. What matters here is the balancer's stickiness cookie
 * (AWSALB, or the local stack's sticky nginx): it names the target.
 *
 * Cookie values can be credentials: the jar never prints them, and nothing
 * that writes records, summaries or messages reads it (the Cookie header is
 * added to a request's headers at dispatch only).
 *
 * RFC 6265, as far as one origin needs it: Path (default: the request path's
 * directory) and path-match; Max-Age (wins) and Expires (past = delete);
 * Secure (https only); Domain, HttpOnly and SameSite are accepted and not
 * needed (one origin, no scripts).
 */

import { installKinds } from '../scenario/flow-mix.js';
import type { CookieScope, Scenario } from '../scenario/types.js';

/** The jars a cookie scope made in a run (summary.json's `engine.cookies`). */
export interface CookieJarsSummary {
  /** The scenario's client.cookies (with a flow mix whose kinds differ: mixed). */
  scope: CookieScope | 'mixed';
  /**
   * What one jar belonged to: the run, a worker process (the Locust engine's shared scope), an install, nothing;
   * with a flow mix, a kind of install (each kind's own in `kinds`).
   */
  jar_per: 'run' | 'installs in turn' | 'worker process' | 'install' | 'none' | 'kind of install';
  /** How many jars the run had: 1, the workers, the installs, 0 (with a flow mix: the kinds' together). */
  jars: number;
  /** The same in words. */
  meaning: string;
  /** With a flow mix: each kind's jars (its name, flow and installs started). */
  kinds?: Array<CookieJarsSummary & { kind: string; flow: string; installs: number }>;
}

/**
 * The jars of a run: the scenario's one kind of install (cookieJarsOf), or with a flow mix each kind's own, its
 * client's scope over its installs (`installsByKind`, in installKinds' order).
 */
export function runCookieJars(scenario: Scenario, engine: 'native' | 'locust', processes: number, installsByKind: readonly number[]): CookieJarsSummary {
  const kinds = installKinds(scenario);
  if (!scenario.flowMix) return cookieJarsOf(scenario.client.cookies, engine, processes, installsByKind[0] ?? 0, scenario.client.sharedJars);
  const each = kinds.map((k, i) => {
    const installs = installsByKind[i] ?? 0;
    return { kind: k.name, flow: k.flow, installs, ...cookieJarsOf(k.client.cookies, engine, processes, installs, k.client.sharedJars) };
  });
  const scopes = new Set(each.map((k) => k.scope));
  return {
    scope: scopes.size === 1 ? each[0].scope : 'mixed',
    jar_per: 'kind of install',
    jars: each.reduce((sum, k) => sum + k.jars, 0),
    meaning: `each kind of install its own client's jars (no jar shared across kinds): ${each.map((k) => `${k.kind} (${k.installs} installs): ${k.meaning}`).join('; ')}`,
    kinds: each,
  };
}

/**
 * The jars `scope` makes when the installs run in `processes` processes (1 for the native engine, the workers
 * for Locust's). A shared jar is one object in one process: the seed tool's one requests.Session is one jar for
 * the run, but Locust's workers are processes, so there each worker's installs share that worker's jar.
 */
export function cookieJarsOf(scope: CookieScope, engine: 'native' | 'locust', processes: number, installs: number, sharedJars = 1): CookieJarsSummary {
  if (scope === 'per-install') return { scope, jar_per: 'install', jars: installs, meaning: 'one jar per install (a pip process)' };
  if (scope === 'none') return { scope, jar_per: 'none', jars: 0, meaning: 'no jar: no cookie kept or sent' };
  if (engine === 'native' && sharedJars === 1) return { scope, jar_per: 'run', jars: 1, meaning: "one jar for the run (the seed tool's one requests.Session), updated in the order responses complete" };
  if (engine === 'native') return { scope, jar_per: 'installs in turn', jars: sharedJars, meaning: `${sharedJars} jars (client.sharedJars), install k using jar k mod ${sharedJars}, each updated in the order its responses complete` };
  return {
    scope,
    jar_per: 'worker process',
    jars: processes,
    meaning: `one jar per worker process (${processes}): the seed tool's one session is one jar in one process, and Locust's workers are processes, so each worker's installs share that worker's jar, updated in the order its responses complete; installs on different workers never share a cookie`,
  };
}

interface StoredCookie {
  name: string;
  value: string;
  path: string;
  /** performance.now()-style ms after which it is gone; Infinity for a session cookie. */
  expiresAt: number;
  secure: boolean;
}

/** The default path of a cookie set by a response to `requestPath` (RFC 6265 5.1.4). */
export function defaultCookiePath(requestPath: string): string {
  const path = requestPath.split('?')[0];
  if (!path.startsWith('/')) return '/';
  const last = path.lastIndexOf('/');
  return last <= 0 ? '/' : path.slice(0, last);
}

/** Whether `requestPath` is covered by a cookie of path `cookiePath` (RFC 6265 5.1.4). */
export function pathMatches(requestPath: string, cookiePath: string): boolean {
  const path = requestPath.split('?')[0];
  if (path === cookiePath) return true;
  if (!path.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || path[cookiePath.length] === '/';
}

export class HttpCookieJar {
  private readonly cookies = new Map<string, StoredCookie>();

  /** `now()` gives the clock expiries are measured on (ms). */
  constructor(private readonly now: () => number = () => Date.now()) {}

  /** Cookies held (names only, for tests and diagnostics; values are never exposed). */
  get names(): string[] {
    this.dropExpired();
    return [...this.cookies.values()].map((c) => c.name);
  }

  /** Stores what the `Set-Cookie` headers of a response to `url` say. */
  store(setCookies: readonly string[], url: URL): void {
    for (const header of setCookies) this.storeOne(header, url);
  }

  /** The `Cookie` header for a request to `url`, or undefined when no cookie applies. */
  header(url: URL): string | undefined {
    this.dropExpired();
    const https = url.protocol === 'https:';
    const applicable = [...this.cookies.values()].filter((c) => pathMatches(url.pathname, c.path) && (!c.secure || https));
    if (applicable.length === 0) return undefined;
    // Longer paths first (RFC 6265 5.4, step 2).
    applicable.sort((a, b) => b.path.length - a.path.length);
    return applicable.map((c) => `${c.name}=${c.value}`).join('; ');
  }

  private storeOne(header: string, url: URL): void {
    const [pair, ...attributes] = header.split(';');
    const eq = pair.indexOf('=');
    if (eq <= 0) return; // no name: ignored (RFC 6265 5.2, step 5)
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    let path: string | null = null;
    let maxAgeMs: number | null = null;
    let expires: number | null = null;
    let secure = false;
    for (const attribute of attributes) {
      const at = attribute.indexOf('=');
      const key = (at < 0 ? attribute : attribute.slice(0, at)).trim().toLowerCase();
      const arg = at < 0 ? '' : attribute.slice(at + 1).trim();
      if (key === 'path' && arg.startsWith('/')) path = arg;
      else if (key === 'max-age' && /^-?\d+$/.test(arg)) maxAgeMs = Number(arg) * 1000;
      else if (key === 'expires') {
        const t = Date.parse(arg);
        if (Number.isFinite(t)) expires = t;
      } else if (key === 'secure') secure = true;
    }
    const now = this.now();
    // Max-Age wins over Expires; Expires is a wall-clock date, turned into this jar's clock.
    const expiresAt = maxAgeMs !== null ? now + maxAgeMs : expires !== null ? now + (expires - Date.now()) : Infinity;
    const cookiePath = path ?? defaultCookiePath(url.pathname);
    const key = `${name}\u0000${cookiePath}`;
    if (expiresAt <= now) {
      this.cookies.delete(key);
      return;
    }
    this.cookies.set(key, { name, value, path: cookiePath, expiresAt, secure });
  }

  private dropExpired(): void {
    const now = this.now();
    for (const [key, c] of this.cookies) if (c.expiresAt <= now) this.cookies.delete(key);
  }
}
