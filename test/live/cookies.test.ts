import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultCookiePath, HttpCookieJar, pathMatches } from '../../src/live/cookie-jar.js';
import { runValidation } from '../../src/live/run-validation.js';
import type { CookieScope, Scenario } from '../../src/scenario/types.js';
import { oneBurst } from './helpers/scenario.js';
import { startTinyIndex, type TinyIndex } from './helpers/tiny-index.js';

describe('the HTTP cookie jar', () => {
  const url = (p: string, scheme = 'http') => new URL(`${scheme}://127.0.0.1:8080${p}`);

  it('default path is the request path\'s directory; a cookie covers its path and everything under it', () => {
    expect(defaultCookiePath('/simple/pkg-001/')).toBe('/simple/pkg-001');
    expect(defaultCookiePath('/pkg-001')).toBe('/');
    expect(pathMatches('/simple/pkg-001/', '/simple')).toBe(true);
    expect(pathMatches('/simplex/', '/simple')).toBe(false);
    expect(pathMatches('/packages/a.whl', '/')).toBe(true);
    const jar = new HttpCookieJar();
    jar.store(['A=1; Path=/simple', 'B=2'], url('/simple/pkg-001/'));
    // B has the default path /simple/pkg-001: not sent for a wheel.
    expect(jar.header(url('/simple/pkg-001/'))).toBe('B=2; A=1');
    expect(jar.header(url('/packages/x.whl'))).toBeUndefined();
  });

  it('Max-Age counts from when the response was stored and wins over Expires; Max-Age=0 or a past Expires deletes; Secure only over https', () => {
    let now = 1_000;
    const jar = new HttpCookieJar(() => now);
    const future = new Date(Date.now() + 3_600_000).toUTCString();
    jar.store([`AWSALB=x; Max-Age=10; Expires=${future}; Path=/`, 'S=y; Secure; Path=/'], url('/'));
    expect(jar.header(url('/a'))).toBe('AWSALB=x');
    expect(jar.header(url('/a', 'https'))).toBe('AWSALB=x; S=y');
    now += 10_000;
    expect(jar.header(url('/a'))).toBeUndefined();
    jar.store(['K=1; Path=/'], url('/'));
    jar.store(['K=gone; Max-Age=0; Path=/'], url('/'));
    jar.store(['E=1; Path=/', `E=2; Path=/; Expires=${new Date(Date.now() - 1000).toUTCString()}`], url('/'));
    expect(jar.names).toEqual(['S']);
  });

  it('the latest response sets the cookie; a header without a name is ignored', () => {
    const jar = new HttpCookieJar();
    jar.store(['AWSALB=a; Path=/'], url('/'));
    jar.store(['AWSALB=b; Path=/', '=nameless'], url('/'));
    expect(jar.header(url('/'))).toBe('AWSALB=b');
  });
});

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

/** A sticky-balancer-like index: every response sets STICKY=secret-<n> (n counts responses), valid 60 s. */
async function stickyIndex(): Promise<TinyIndex> {
  const server = await startTinyIndex({ setCookie: (n) => `STICKY=secret-${n}; Path=/; Max-Age=60; HttpOnly`, delayMs: 5 });
  cleanups.push(() => server.close());
  return server;
}

/** One install, then (once it is done) a burst of `burst`: the seed tool's order after its first burst. */
function baselineThenBurst(cookies: CookieScope, burst: number): Scenario {
  const scenario = oneBurst('seed-tool', burst, { cookies });
  scenario.profile = { executor: 'burst-iterations', iterationSeconds: 0.1, baselineInstalls: 1, burstInstalls: burst, burstEvery: 2, firstBurstIteration: 1, waitForInstalls: true, durationSeconds: 0.15 };
  return scenario;
}

async function validate(scenario: Scenario) {
  const server = await stickyIndex();
  const outDir = mkdtempSync(path.join(tmpdir(), 'capsim-cookies-'));
  cleanups.push(() => rmSync(outDir, { recursive: true, force: true }));
  await runValidation({ url: server.url, scenario, outDir, progress: false, log: () => undefined });
  // Each install runs on its own keep-alive connection: the server tells installs apart by the client port.
  const byInstall = new Map<number, Array<string | undefined>>();
  for (const r of server.load()) byInstall.set(r.remotePort, [...(byInstall.get(r.remotePort) ?? []), r.headers.cookie]);
  return { server, outDir, byInstall: [...byInstall.values()] };
}

describe('validate sends cookies as the client it imitates', () => {
  it('shared (the seed tool\'s one session): a burst after a baseline install sends, from its first request, the cookie of the baseline install\'s last response', async () => {
    const { byInstall } = await validate(baselineThenBurst('shared', 5));
    expect(byInstall).toHaveLength(6);
    // The baseline install: no cookie first, then the one its previous response set (responses 1, 2, 3).
    expect(byInstall[0]).toEqual([undefined, 'STICKY=secret-1', 'STICKY=secret-2', 'STICKY=secret-3']);
    // The burst starts once it is done: each burst install's first request carries response 4's cookie.
    expect(byInstall.slice(1).map((cookies) => cookies[0])).toEqual(Array(5).fill('STICKY=secret-4'));
    expect(byInstall.flat().filter((c) => c === undefined)).toHaveLength(1);
  });

  it('per-install (pip): an install\'s first request has no cookie, later ones carry only cookies of its own earlier responses', async () => {
    const { byInstall } = await validate(baselineThenBurst('per-install', 5));
    expect(byInstall).toHaveLength(6);
    const seen = new Map<string, number>();
    byInstall.forEach((cookies, k) => {
      expect(cookies[0]).toBeUndefined();
      expect(cookies.slice(1).every((c) => c !== undefined)).toBe(true);
      for (const c of cookies.slice(1)) {
        // A value is never sent by two installs.
        expect(seen.get(c!) ?? k).toBe(k);
        seen.set(c!, k);
      }
    });
  });

  it('none: no request carries a cookie', async () => {
    const { byInstall } = await validate(baselineThenBurst('none', 4));
    expect(byInstall.flat().every((c) => c === undefined)).toBe(true);
  });

  it('cookie values reach no file validate writes', async () => {
    const { outDir } = await validate(baselineThenBurst('shared', 4));
    for (const file of readdirSync(outDir)) expect(readFileSync(path.join(outDir, file), 'utf8')).not.toMatch(/secret-\d/);
  });
});
