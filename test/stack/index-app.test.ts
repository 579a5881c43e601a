// The index behaves like pypiserver with --backend simple-dir, seen through nginx with real HTTP.
import { createHash } from 'node:crypto';
import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpGet } from './http-get.js';
import { startStack, wheelFileName, type RunningStack } from './stack.js';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('index_app behind nginx (pypiserver simple-dir behaviour)', () => {
  let stack: RunningStack;
  beforeAll(async () => {
    stack = await startStack({ servers: 1, workers: 2, workerClass: 'gevent', balancing: 'round_robin', projects: 10 });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('generates 3 versions ending at 2.0.0 per project, named pkg-000...', () => {
    expect(stack.projects).toEqual(Array.from({ length: 10 }, (_, i) => `pkg-${String(i).padStart(3, '0')}`));
    const p3 = stack.files.filter((f) => f.project === 'pkg-003');
    expect(p3.map((f) => f.version)).toEqual(['1.0.0', '1.1.0', '2.0.0']);
    expect(p3.map((f) => f.file)).toEqual(['1.0.0', '1.1.0', '2.0.0'].map((v) => wheelFileName('pkg-003', v)));
    expect(p3[2].file).toBe('pkg_003-2.0.0-py3-none-any.whl');
  });

  it('answers /health with 200 Ok', async () => {
    const r = await httpGet(`${stack.url}health`);
    expect(r.status).toBe(200);
    expect(r.body.toString()).toBe('Ok');
  });

  it('redirects /<project>/ and /<project> with 303 to /simple/<project>/ (absolute, on the nginx host)', async () => {
    for (const path of ['pkg-003/', 'pkg-003']) {
      const r = await httpGet(stack.url + path);
      expect(r.status).toBe(303);
      expect(r.headers.location).toBe(`${stack.url}simple/pkg-003/`);
    }
  });

  it('redirects a non-normalized /simple/<name>/ with 301 to the PEP 503 name', async () => {
    const r = await httpGet(`${stack.url}simple/Pkg_003/`);
    expect(r.status).toBe(301);
    expect(r.headers.location).toBe(`${stack.url}simple/pkg-003/`);
  });

  it('lists the project files with #sha256= of their bytes, and serves those bytes', async () => {
    const r = await httpGet(`${stack.url}simple/pkg-003/`, {
      headers: { Accept: 'application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01' },
    });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/html; charset=UTF-8'); // HTML even when JSON is preferred, like pypiserver
    const links = [...r.body.toString().matchAll(/<a href="([^"]+)">([^<]+)<\/a>/g)].map((m) => ({ href: m[1], text: m[2] }));
    const expected = stack.files.filter((f) => f.project === 'pkg-003');
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
      expect(dl.body.subarray(0, 4).toString('latin1')).toBe('PK\x03\x04'); // a zip file
    }
  });

  it('lists every project on /simple/ and counts every file on /', async () => {
    const simple = await httpGet(`${stack.url}simple/`);
    expect(simple.status).toBe(200);
    const names = [...simple.body.toString().matchAll(/<a href="([^"]+)\/">/g)].map((m) => m[1]);
    expect(names).toEqual(stack.projects);
    const root = await httpGet(stack.url);
    expect(root.status).toBe(200);
    expect(root.body.toString()).toContain(`serving ${stack.files.length} packages`);
    const slashless = await httpGet(`${stack.url}simple`);
    expect(slashless.status).toBe(303);
    expect(slashless.headers.location).toBe(`${stack.url}simple/`);
  });

  it('answers 404 for unknown projects and files, HEAD without a body, 405 for other methods', async () => {
    expect((await httpGet(`${stack.url}simple/no-such-project/`)).status).toBe(404);
    expect((await httpGet(`${stack.url}packages/no_such-1.0.0-py3-none-any.whl`)).status).toBe(404);
    const head = await httpGet(`${stack.url}packages/${stack.files[0].file}`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe(String(stack.files[0].bytes));
    expect(head.body.length).toBe(0);
    expect((await httpGet(`${stack.url}simple/`, { method: 'POST' })).status).toBe(405);
  });

  it('walks the directory and hashes on every request (no cache): new, changed, hidden and removed files show at once', async () => {
    const src = join(stack.packagesDir, wheelFileName('pkg-001', '2.0.0'));
    const added = join(stack.packagesDir, wheelFileName('late-comer', '0.1.0'));
    const hidden = join(stack.packagesDir, '.' + wheelFileName('late-comer', '0.2.0'));
    expect((await httpGet(`${stack.url}simple/late-comer/`)).status).toBe(404);
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
    expect((await httpGet(`${stack.url}simple/late-comer/`)).status).toBe(404);
  });

  it('logs every request through nginx as a JSON line with the upstream and timings', async () => {
    const before = readFileSync(stack.nginxAccessLog, 'utf8').split('\n').filter(Boolean).length;
    const r = await httpGet(`${stack.url}simple/pkg-002/`, { headers: { 'User-Agent': 'capsim-test/1' } });
    expect(r.headers['x-upstream']).toBe(stack.upstreams[0]);
    const { parseAccessLog } = await import('./stack.js');
    const entries = parseAccessLog(readFileSync(stack.nginxAccessLog, 'utf8'));
    expect(entries.length).toBe(before + 1);
    const last = entries[entries.length - 1];
    expect(last).toMatchObject({ method: 'GET', uri: '/simple/pkg-002/', status: 200, upstream: stack.upstreams[0], userAgent: 'capsim-test/1' });
    expect(last.request).toBe('GET /simple/pkg-002/ HTTP/1.1');
    expect(last.requestTime).toBeGreaterThanOrEqual(0);
    expect(last.bytes).toBe(r.body.length);
  });
});
