import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultCookiePath, HttpCookieJar, pathMatches } from '../../src/live/cookie-jar.js';
import { runValidation } from '../../src/live/run-validation.js';
import type { ValidationSummary } from '../../src/live/summary.js';
import type { Scenario } from '../../src/scenario/types.js';
import { baselineThenBurst, cookiesByInstall, expectKindsOwnJars, expectOwnCookiesOnly, MIX_SEED, mixCookieJars, mixThenBurst, startStickyIndex } from './helpers/sticky-index.js';
import type { TinyIndex } from './helpers/tiny-index.js';

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

async function stickyIndex(): Promise<TinyIndex> {
  const server = await startStickyIndex();
  cleanups.push(() => server.close());
  return server;
}

async function validate(scenario: Scenario, seed?: number) {
  const server = await stickyIndex();
  const outDir = mkdtempSync(path.join(tmpdir(), 'capsim-cookies-'));
  cleanups.push(() => rmSync(outDir, { recursive: true, force: true }));
  await runValidation({ url: server.url, scenario, outDir, progress: false, log: () => undefined, ...(seed !== undefined ? { seed } : {}) });
  const summary = JSON.parse(readFileSync(path.join(outDir, 'summary.json'), 'utf8')) as ValidationSummary;
  return { server, outDir, summary, byInstall: cookiesByInstall(server) };
}

describe('validate sends cookies as the client it imitates', () => {
  it('shared (the seed tool\'s one session): a burst after a baseline install sends, from its first request, the cookie of the baseline install\'s last response', async () => {
    const { byInstall, summary } = await validate(baselineThenBurst('shared', 5));
    expect(summary.engine.cookies).toMatchObject({ scope: 'shared', jar_per: 'run', jars: 1 });
    expect(byInstall).toHaveLength(6);
    // The baseline install: no cookie first, then the one its previous response set (responses 1, 2, 3).
    expect(byInstall[0]).toEqual([undefined, 'STICKY=secret-1', 'STICKY=secret-2', 'STICKY=secret-3']);
    // The burst starts once it is done: each burst install's first request carries response 4's cookie.
    expect(byInstall.slice(1).map((cookies) => cookies[0])).toEqual(Array(5).fill('STICKY=secret-4'));
    expect(byInstall.flat().filter((c) => c === undefined)).toHaveLength(1);
  });

  it('per-install (pip): an install\'s first request has no cookie, later ones carry only cookies of its own earlier responses', async () => {
    const { byInstall, summary } = await validate(baselineThenBurst('per-install', 5));
    expect(byInstall).toHaveLength(6);
    expectOwnCookiesOnly(byInstall);
    expect(summary.engine.cookies).toMatchObject({ scope: 'per-install', jar_per: 'install', jars: 6 });
  });

  it('none: no request carries a cookie', async () => {
    const { byInstall, summary } = await validate(baselineThenBurst('none', 4));
    expect(byInstall.flat().every((c) => c === undefined)).toBe(true);
    expect(summary.engine.cookies).toMatchObject({ scope: 'none', jar_per: 'none', jars: 0 });
  });

  it('a flow mix: each kind keeps its own client\'s jars (the seed tool\'s shared one, pip\'s per install); none is shared across kinds', async () => {
    const { server, summary } = await validate(mixThenBurst(6), MIX_SEED);
    expectKindsOwnJars(server, 1);
    expect(summary.engine.cookies).toMatchObject(mixCookieJars({ jar_per: 'run', jars: 1 }));
  });

  it('a flow mix with client.sharedJars 2 on the shared kind: that kind\'s install k uses its jar k mod 2', async () => {
    const { server, summary } = await validate(mixThenBurst(6, 2), MIX_SEED);
    expectKindsOwnJars(server, 2);
    expect(summary.engine.cookies).toMatchObject(mixCookieJars({ jar_per: 'installs in turn', jars: 2 }));
  });

  it('cookie values reach no file validate writes', async () => {
    const { outDir } = await validate(baselineThenBurst('shared', 4));
    for (const file of readdirSync(outDir)) expect(readFileSync(path.join(outDir, file), 'utf8')).not.toMatch(/secret-\d/);
  });
});
