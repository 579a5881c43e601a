// The stack's index seen through nginx with real HTTP: the real pypiserver (vendored) and the lookalike it falls
// back to answer the routes a load test uses the same way (pypiserver 2.4, simple-dir, default fallback).
import { createHash } from 'node:crypto';
import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpGet } from './http-get.js';
import { startStack, waitForAccessLog, wheelFileName, type IndexServer, type RunningStack } from './stack.js';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const PROJECT = 'test-package-003';
const servers: IndexServer[] = ['pypiserver', 'lookalike'];

describe.each(servers)('the %s behind nginx (simple-dir)', (server) => {
  let stack: RunningStack;
  beforeAll(async () => {
    stack = await startStack({ servers: 1, workers: 2, workerClass: 'gevent', balancing: 'round_robin', projects: 10, server });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('runs the server asked for', () => {
    expect(stack.server).toBe(server);
    expect(stack.serverVersion).toBe(server === 'pypiserver' ? '2.4.1' : 'lookalike');
  });

  it('generates 3 versions ending at 2.0.0 per project, named test-package-000...', () => {
    expect(stack.projects).toEqual(Array.from({ length: 10 }, (_, i) => `test-package-${String(i).padStart(3, '0')}`));
    const p3 = stack.files.filter((f) => f.project === PROJECT);
    expect(p3.map((f) => f.version)).toEqual(['1.0.0', '1.1.0', '2.0.0']);
    expect(p3[2].file).toBe('test_package_003-2.0.0-py3-none-any.whl');
    expect(p3.map((f) => f.file)).toEqual(['1.0.0', '1.1.0', '2.0.0'].map((v) => wheelFileName(PROJECT, v)));
  });

  it('answers /health with 200 Ok', async () => {
    const r = await httpGet(`${stack.url}health`);
    expect(r.status).toBe(200);
    expect(r.body.toString()).toBe('Ok');
  });

  it('redirects /<project>/ and /<project> with 303 to /simple/<project>/ (absolute, on the nginx host)', async () => {
    for (const path of [`${PROJECT}/`, PROJECT]) {
      const r = await httpGet(stack.url + path);
      expect(r.status).toBe(303);
      expect(r.headers.location).toBe(`${stack.url}simple/${PROJECT}/`);
    }
  });

  it('redirects a non-normalized /simple/<name>/ with 301 to the PEP 503 name, and /simple with 301 to /simple/', async () => {
    const r = await httpGet(`${stack.url}simple/Test_Package_003/`);
    expect(r.status).toBe(301);
    expect(r.headers.location).toBe(`${stack.url}simple/${PROJECT}/`);
    const slashless = await httpGet(`${stack.url}simple`);
    expect(slashless.status).toBe(301);
    expect(slashless.headers.location).toBe(`${stack.url}simple/`);
  });

  it('answers a project it does not hold with a 303 to the public index (pypiserver\'s default fallback)', async () => {
    const r = await httpGet(`${stack.url}simple/no-such-project/`);
    expect(r.status).toBe(303);
    expect(r.headers.location).toBe('https://pypi.org/simple/no-such-project/');
  });

  it('lists the project files with #sha256= of their bytes in HTML even when JSON is preferred, and serves those bytes', async () => {
    const r = await httpGet(`${stack.url}simple/${PROJECT}/`, {
      headers: { Accept: 'application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01' },
    });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/html; charset=UTF-8');
    const links = [...r.body.toString().matchAll(/<a href="([^"]+)">([^<]+)<\/a>/g)].map((m) => ({ href: m[1], text: m[2] }));
    const expected = stack.files.filter((f) => f.project === PROJECT);
    expect(links.map((l) => l.text)).toEqual(expected.map((f) => f.file));
    for (const [i, link] of links.entries()) {
      const m = /^\/packages\/([^#]+)#sha256=([0-9a-f]{64})$/.exec(link.href);
      expect(m, link.href).not.toBeNull();
      const [, file, hex] = m!;
      const onDisk = readFileSync(join(stack.packagesDir, file));
      expect(hex).toBe(sha256(onDisk));
      expect(hex).toBe(expected[i].sha256);
      const dl = await httpGet(`${stack.url}packages/${file}`);
      expect(dl.status).toBe(200);
      expect(dl.headers['content-length']).toBe(String(onDisk.length));
      expect(sha256(dl.body)).toBe(hex);
      expect(dl.body.subarray(0, 4).toString('latin1')).toBe('PK\x03\x04');
    }
  });

  it('lists every project on /simple/ and counts every file on /', async () => {
    const simple = await httpGet(`${stack.url}simple/`);
    expect(simple.status).toBe(200);
    const names = [...simple.body.toString().matchAll(/<a href="([^"]+)\/">/g)].map((m) => m[1]);
    expect(names).toEqual(stack.projects);
    const root = await httpGet(stack.url);
    expect(root.status).toBe(200);
    expect(root.body.toString()).toMatch(new RegExp(`serving\\s+${stack.files.length}\\s+packages`));
  });

  it('answers 404 for unknown files, HEAD without a body, 405 for other methods on the index pages', async () => {
    expect((await httpGet(`${stack.url}packages/no_such-1.0.0-py3-none-any.whl`)).status).toBe(404);
    const head = await httpGet(`${stack.url}packages/${stack.files[0].file}`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe(String(stack.files[0].bytes));
    expect(head.body.length).toBe(0);
    expect((await httpGet(`${stack.url}simple/`, { method: 'POST' })).status).toBe(405);
  });

  it('walks the directory and hashes on every request (no cache): new, changed, hidden and removed files show at once', async () => {
    const src = join(stack.packagesDir, wheelFileName('test-package-001', '2.0.0'));
    const added = join(stack.packagesDir, wheelFileName('late-comer', '0.1.0'));
    const hidden = join(stack.packagesDir, '.' + wheelFileName('late-comer', '0.2.0'));
    expect((await httpGet(`${stack.url}simple/late-comer/`)).status).toBe(303);
    copyFileSync(src, added);
    copyFileSync(src, hidden);
    try {
      const page = (await httpGet(`${stack.url}simple/late-comer/`)).body.toString();
      expect(page).toContain(`/packages/late_comer-0.1.0-py3-none-any.whl#sha256=${sha256(readFileSync(added))}`);
      expect(page).not.toContain('0.2.0');
      writeFileSync(added, Buffer.concat([readFileSync(added), Buffer.from('changed')]));
      const again = (await httpGet(`${stack.url}simple/late-comer/`)).body.toString();
      expect(again).toContain(`#sha256=${sha256(readFileSync(added))}`);
    } finally {
      rmSync(added, { force: true });
      rmSync(hidden, { force: true });
    }
    expect((await httpGet(`${stack.url}simple/late-comer/`)).status).toBe(303);
  });

  it('logs every request through nginx as a JSON line with the upstream and timings', async () => {
    const before = readFileSync(stack.nginxAccessLog, 'utf8').split('\n').filter(Boolean).length;
    const r = await httpGet(`${stack.url}simple/test-package-002/`, { headers: { 'User-Agent': 'capsim-test/1' } });
    expect(r.headers['x-upstream']).toBe(stack.upstreams[0]);
    const entries = await waitForAccessLog(stack.nginxAccessLog, before + 1);
    const last = entries[entries.length - 1];
    expect(last).toMatchObject({ method: 'GET', uri: '/simple/test-package-002/', status: 200, upstream: stack.upstreams[0], userAgent: 'capsim-test/1' });
    expect(last.request).toBe('GET /simple/test-package-002/ HTTP/1.1');
    expect(last.bytes).toBe(r.body.length);
  });
});

describe('the real pypiserver: cached-dir backend and htpasswd authentication', () => {
  it('cached-dir caches listings: a file added later shows only where the watchdog observer runs in the worker', async () => {
    // With --preload (the module's preload_app) the app, its cache and its watchdog observer thread are built in
    // the gunicorn master; a forked worker inherits the cache but not the thread, so nothing invalidates it.
    for (const preload of [true, false]) {
      const stack = await startStack({ servers: 1, workers: 1, workerClass: 'sync', balancing: 'round_robin', projects: 3, backend: 'cached-dir', preload });
      try {
        expect(stack.backend).toBe('cached-dir');
        const first = await httpGet(`${stack.url}simple/test-package-001/`);
        expect(first.body.toString()).toContain('test_package_001-2.0.0-py3-none-any.whl#sha256=');
        expect((await httpGet(`${stack.url}simple/`)).body.toString()).not.toContain('late-comer');
        copyFileSync(join(stack.packagesDir, wheelFileName('test-package-001', '2.0.0')), join(stack.packagesDir, wheelFileName('late-comer', '0.1.0')));
        let listed = false;
        for (let i = 0; i < 20 && !listed; i++) {
          await new Promise((r) => setTimeout(r, 100));
          listed = (await httpGet(`${stack.url}simple/`)).body.toString().includes('late-comer');
        }
        expect(listed, `preload ${preload}`).toBe(!preload);
      } finally {
        await stack.stop();
      }
    }
  });

  it('htpasswd (passlib): 401 without credentials, 403 with a wrong password, 200 with the right one; /health stays open', async () => {
    const stack = await startStack({ servers: 1, workers: 1, workerClass: 'sync', balancing: 'round_robin', projects: 2, auth: { username: 'ci', password: 'pa55word' } });
    try {
      const basic = (user: string, pw: string) => ({ Authorization: `Basic ${Buffer.from(`${user}:${pw}`).toString('base64')}` });
      const none = await httpGet(`${stack.url}simple/`);
      expect(none.status).toBe(401);
      expect(none.headers['www-authenticate']).toBe('Basic realm="pypi"');
      expect((await httpGet(`${stack.url}simple/`, { headers: basic('ci', 'wrong') })).status).toBe(403);
      expect((await httpGet(`${stack.url}simple/`, { headers: basic('ci', 'pa55word') })).status).toBe(200);
      expect((await httpGet(`${stack.url}packages/${stack.files[0].file}`)).status).toBe(401);
      expect((await httpGet(`${stack.url}packages/${stack.files[0].file}`, { headers: basic('ci', 'pa55word') })).status).toBe(200);
      expect((await httpGet(`${stack.url}health`)).status).toBe(200);
      expect(readFileSync(join(stack.tmpDir, 'htpasswd'), 'utf8')).not.toContain('pa55word');
    } finally {
      await stack.stop();
    }
  });
});
