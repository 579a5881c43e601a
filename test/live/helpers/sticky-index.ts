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

/**
 * baselineThenBurst as a flow mix of two kinds: `seed` (the seed tool: shared jars, `sharedJars` of them when
 * given) and `pip` (pip-root-index: a jar per install), half the installs each, drawn from the run's seed.
 */
export function mixThenBurst(burst: number, sharedJars?: number): Scenario {
  const scenario = baselineThenBurst('shared', burst);
  const seedClient = { ...scenario.client, cookies: 'shared' as const, ...(sharedJars !== undefined ? { sharedJars } : {}) };
  scenario.flowMix = [
    { name: 'seed', flow: 'seed-tool', share: 0.5, client: seedClient },
    { name: 'pip', flow: 'pip-root-index', share: 0.5, client: { ...scenario.client, cookies: 'per-install' } },
  ];
  return scenario;
}

/**
 * The run seed whose kind draws make mixThenBurst(6)'s installs 0-6 seed, pip, seed, seed, pip, pip, seed: the
 * seed kind's burst installs are the kind's installs 1-3 but the run's 2, 3 and 6, so a jar taken by the run's
 * install number instead of the kind's would show.
 */
export const MIX_SEED = 3;

/**
 * mixThenBurst(6) under MIX_SEED: each kind keeps its own jars. The seed kind's installs send only cookies set on
 * responses to seed installs, the pip kind's only their own; the seed kind's burst installs 1-3 take the kind's
 * `seedJars` jars in turn (install k of the kind: jar k mod seedJars), so those on jar 0 start with the baseline
 * install's last cookie (response 4) and the others with none, whatever the pip installs received meanwhile.
 */
export function expectKindsOwnJars(server: TinyIndex, seedJars: number): void {
  const byPort = new Map<number, { agent: string; sent: Array<string | undefined>; set: string[] }>();
  for (const r of server.load()) {
    const install = byPort.get(r.remotePort) ?? { agent: String(r.headers['user-agent']), sent: [], set: [] };
    install.sent.push(r.headers.cookie);
    if (r.setCookie) install.set.push(r.setCookie);
    byPort.set(r.remotePort, install);
  }
  const installs = [...byPort.values()];
  const seed = installs.filter((i) => i.agent.startsWith('python-requests/'));
  const pip = installs.filter((i) => i.agent.startsWith('pip/'));
  expect([seed.length, pip.length]).toEqual([4, 3]);
  expect(installs[0]).toBe(seed[0]);
  expect(seed[0].sent).toEqual([undefined, 'STICKY=secret-1', 'STICKY=secret-2', 'STICKY=secret-3']);
  const setForSeed = new Set(seed.flatMap((i) => i.set));
  for (const c of seed.flatMap((i) => i.sent)) if (c !== undefined) expect(setForSeed.has(c)).toBe(true);
  expectOwnCookiesOnly(pip.map((i) => i.sent));
  const firsts = seed.slice(1).map((i) => i.sent[0] ?? 'none');
  const onJarZero = [1, 2, 3].filter((k) => k % seedJars === 0).length;
  expect(firsts.sort()).toEqual([...Array(3 - onJarZero).fill('none'), ...Array(onJarZero).fill('STICKY=secret-4')].sort());
}

/** summary.json's engine.cookies for mixThenBurst(6) under MIX_SEED, its seed kind's jars as given. */
export function mixCookieJars(seed: { jar_per: string; jars: number }) {
  return {
    scope: 'mixed',
    jar_per: 'kind of install',
    jars: seed.jars + 3,
    kinds: [
      { kind: 'seed', flow: 'seed-tool', installs: 4, scope: 'shared', ...seed },
      { kind: 'pip', flow: 'pip-root-index', installs: 3, scope: 'per-install', jar_per: 'install', jars: 3 },
    ],
  };
}
