// Real pip against the stack: the request sequence docs/traffic.md describes, and the headers pip sends, recorded in
// fixtures/pip-requests.json for the load generator to compare against.
// Re-record the fixture with: CAPSIM_RECORD_PIP_FIXTURE=1 npx vitest run test/stack/pip.test.ts
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pipDownload, pipDownloadArgs, pipVersion } from './pip-run.js';
import { parseAccessLog, startStack, waitForAccessLog, type AccessLogEntry, type RunningStack } from './stack.js';

const FIXTURE = join(fileURLToPath(new URL('.', import.meta.url)), 'fixtures', 'pip-requests.json');
const RECORD = process.env.CAPSIM_RECORD_PIP_FIXTURE === '1';
/** The requirements file of the pip install -r shape (pip downloads them in this order). */
const REQUIREMENTS = ['test-package-003', 'test-package-007', 'test-package-001'];
const PIP_INDEX_ACCEPT = 'application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01';

interface Captured {
  method: string;
  path: string;
  protocol: string;
  headers: Record<string, string>;
}

interface RecordedRequest {
  method: string;
  path: string;
  status: number;
  connectionRequest: number; // nth request on its client connection (1 = new connection)
  headers: Record<string, string>; // as pip sent them (host with the port replaced by PORT)
}

interface RecordedFlow {
  indexUrl: string;
  command: string;
  requests: RecordedRequest[];
  clientConnections: number;
}

/** pip's headers: everything the app received, but Connection and Host as the client sent them to nginx. */
function clientHeaders(log: AccessLogEntry, cap: Captured, port: number): Record<string, string> {
  const h: Record<string, string> = { ...cap.headers };
  h.connection = log.clientConnection;
  h.host = log.host.replace(`:${port}`, ':PORT');
  return Object.fromEntries(Object.entries(h).sort(([a], [b]) => a.localeCompare(b)));
}

describe('real pip download against the stack', () => {
  let stack: RunningStack;
  let port: number;
  const flows: Record<string, RecordedFlow> = {};
  const downloads: Record<string, Buffer> = {};
  let pip = '';
  let requirementsDir = '';

  beforeAll(async () => {
    stack = await startStack({ servers: 2, workers: 2, workerClass: 'gevent', balancing: 'round_robin', captureHeaders: true });
    port = Number(new URL(stack.url).port);
    pip = await pipVersion();
    requirementsDir = mkdtempSync(join(tmpdir(), 'capsim-req-'));
    const requirementsFile = join(requirementsDir, 'requirements.txt');
    writeFileSync(requirementsFile, `${REQUIREMENTS.join('\n')}\n`);
    for (const [name, indexUrl, what] of [
      ['pip-root-index', stack.url, 'test-package-003'],
      ['pip-simple-index', `${stack.url}simple/`, 'test-package-003'],
      ['pip-requirements', stack.url, ['-r', requirementsFile]],
    ] as const) {
      const logBefore = parseAccessLog(readFileSync(stack.nginxAccessLog, 'utf8')).length;
      const capBefore = readFileSync(stack.captureFile!, 'utf8').split('\n').filter(Boolean).length;
      const dest = mkdtempSync(join(tmpdir(), 'capsim-pip-'));
      try {
        await pipDownload(indexUrl, [...(typeof what === 'string' ? [what] : what)], dest);
        const files = readdirSync(dest).sort();
        if (name === 'pip-requirements') expect(files).toEqual(REQUIREMENTS.map((p) => `${p.replaceAll('-', '_')}-2.0.0-py3-none-any.whl`).sort());
        else {
          expect(files).toEqual(['test_package_003-2.0.0-py3-none-any.whl']);
          downloads[name] = readFileSync(join(dest, files[0]));
        }
      } finally {
        rmSync(dest, { recursive: true, force: true });
      }
      const expectedRequests = name === 'pip-root-index' ? 3 : name === 'pip-requirements' ? 3 * REQUIREMENTS.length : 2;
      const log = (await waitForAccessLog(stack.nginxAccessLog, logBefore + expectedRequests)).slice(logBefore);
      const cap = (readFileSync(stack.captureFile!, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)) as Captured[]).slice(capBefore);
      expect(cap.length).toBe(log.length);
      flows[name] = {
        indexUrl: indexUrl.replace(`:${port}`, ':PORT'),
        command: ['/usr/bin/python3', ...pipDownloadArgs(indexUrl.replace(`:${port}`, ':PORT'), typeof what === 'string' ? what : ['-r', 'requirements.txt'], 'DEST')].join(' '),
        clientConnections: new Set(log.map((e) => e.connection)).size,
        requests: log.map((e, i) => {
          expect(cap[i].path).toBe(e.uri);
          return { method: e.method, path: e.uri, status: e.status, connectionRequest: e.connectionRequests, headers: clientHeaders(e, cap[i], port) };
        }),
      };
    }
    if (RECORD) {
      const fixture = {
        about:
          'Requests real pip sent to the capsim local stack serving the real pypiserver (nginx access log + headers the app received; Connection and Host as the client sent them). Recorded by test/stack/pip.test.ts with CAPSIM_RECORD_PIP_FIXTURE=1; pip config files and PIP_* variables were disabled.',
        pip,
        server: `${stack.server} ${stack.serverVersion}`,
        flows,
      };
      writeFileSync(FIXTURE, JSON.stringify(fixture, null, 2) + '\n');
    }
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
    if (requirementsDir) rmSync(requirementsDir, { recursive: true, force: true });
  });

  const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  const wheel = '/packages/test_package_003-2.0.0-py3-none-any.whl';

  it('with the index root: GET /test-package-003/ 303, GET /simple/test-package-003/ 200, GET the wheel 200, on one keep-alive connection', () => {
    const f = flows['pip-root-index'];
    expect(f.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      'GET /test-package-003/ 303',
      'GET /simple/test-package-003/ 200',
      `GET ${wheel} 200`,
    ]);
    expect(f.clientConnections).toBe(1);
    expect(f.requests.map((r) => r.connectionRequest)).toEqual([1, 2, 3]);
  });

  it('with -r requirements.txt: each project\'s 303, page and wheel in the file\'s order, all on one keep-alive connection', () => {
    const f = flows['pip-requirements'];
    expect(f.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual(
      REQUIREMENTS.flatMap((p) => [`GET /${p}/ 303`, `GET /simple/${p}/ 200`, `GET /packages/${p.replaceAll('-', '_')}-2.0.0-py3-none-any.whl 200`]),
    );
    expect(f.clientConnections).toBe(1);
    expect(f.requests.map((r) => r.connectionRequest)).toEqual(Array.from({ length: 9 }, (_, i) => i + 1));
  });

  it('with .../simple/ as the index: no redirect', () => {
    const f = flows['pip-simple-index'];
    expect(f.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual(['GET /simple/test-package-003/ 200', `GET ${wheel} 200`]);
    expect(f.clientConnections).toBe(1);
  });

  it('sends the PEP 691 Accept header for index pages and a plain one for the wheel', () => {
    for (const f of Object.values(flows)) {
      for (const r of f.requests) {
        const isWheel = r.path.startsWith('/packages/');
        expect(r.headers.accept).toBe(isWheel ? '*/*' : PIP_INDEX_ACCEPT);
        expect(r.headers['user-agent']).toMatch(/^pip\/\d+\.\d+/);
        expect(r.headers.connection).toBe('keep-alive');
      }
    }
  });

  it('downloads the exact wheel bytes the index serves', () => {
    const expected = stack.files.find((f) => f.file === 'test_package_003-2.0.0-py3-none-any.whl')!;
    for (const b of Object.values(downloads)) expect(sha(b)).toBe(expected.sha256);
  });

  it('matches the recorded fixture (same paths, statuses and headers; user agent aside)', () => {
    expect(existsSync(FIXTURE), `record ${FIXTURE} with CAPSIM_RECORD_PIP_FIXTURE=1`).toBe(true);
    const fixture = JSON.parse(readFileSync(FIXTURE, 'utf8')) as { pip: string; flows: Record<string, RecordedFlow> };
    const strip = (fl: Record<string, RecordedFlow>) =>
      Object.fromEntries(
        Object.entries(fl).map(([k, f]) => [
          k,
          { ...f, requests: f.requests.map((r) => ({ ...r, headers: { ...r.headers, 'user-agent': r.headers['user-agent'].split(' ')[0] } })) },
        ]),
      );
    if (fixture.pip !== pip) {
      // Another pip version may legitimately differ in headers; the sequence must still hold (tests above).
      console.warn(`pip ${pip} differs from the fixture's pip ${fixture.pip}; only the request sequence is compared`);
      return;
    }
    expect(strip(flows)).toEqual(strip(fixture.flows));
  });
});
