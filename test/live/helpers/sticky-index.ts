// A sticky-balancer-like index for cookie tests, the seed tool's order after its first burst, and the cookies each
// install sent, for both engines' cookie tests.
import { expect } from 'vitest';
import type { CookieScope, Scenario } from '../../../src/scenario/types.js';
import { oneBurst } from './scenario.js';
import { startTinyIndex, type TinyIndex } from './tiny-index.js';

/** Every response sets STICKY=secret-<n> (n counts responses), valid 60 s. */
export function startStickyIndex(): Promise<TinyIndex> {
  return startTinyIndex({ setCookie: (n) => `STICKY=secret-${n}; Path=/; Max-Age=60; HttpOnly`, delayMs: 5 });
}

/**
 * One install, then (once it is done) a burst of `burst`: the seed tool's order after its first burst. The burst
 * iteration starts at 2 s, or when the install is done if later; no iteration may start after 3.9 s: the install has
 * 3.9 s (it takes tens of ms unloaded) before the burst would be left out, and the next baseline iteration (at 4 s at
 * the earliest) never starts. The cases assert which cookies are sent, not how fast: a loaded machine only waits.
 */
export function baselineThenBurst(cookies: CookieScope, burst: number): Scenario {
  const scenario = oneBurst('seed-tool', burst, { cookies });
  scenario.profile = { executor: 'burst-iterations', iterationSeconds: 2, baselineInstalls: 1, burstInstalls: burst, burstEvery: 2, firstBurstIteration: 1, waitForInstalls: true, durationSeconds: 3.9 };
  return scenario;
}

/** The Cookie header of each request, per install (each install runs on its own keep-alive connection: the server tells installs apart by the client port). */
export function cookiesByInstall(server: TinyIndex): Array<Array<string | undefined>> {
  const byInstall = new Map<number, Array<string | undefined>>();
  for (const r of server.load()) byInstall.set(r.remotePort, [...(byInstall.get(r.remotePort) ?? []), r.headers.cookie]);
  return [...byInstall.values()];
}

/** Per-install jars: an install's first request has no cookie, later ones only cookies of its own earlier responses (no value sent by two installs). */
export function expectOwnCookiesOnly(byInstall: Array<Array<string | undefined>>): void {
  const seen = new Map<string, number>();
  byInstall.forEach((cookies, k) => {
    expect(cookies[0]).toBeUndefined();
    expect(cookies.slice(1).every((c) => c !== undefined)).toBe(true);
    for (const c of cookies.slice(1)) {
      expect(seen.get(c!) ?? k).toBe(k);
      seen.set(c!, k);
    }
  });
}
