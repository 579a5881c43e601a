// Real poetry (Debian's python3-poetry) against the stack serving the real pypiserver: the requests `poetry lock`
// and `poetry install` send for a project with two dependencies, recorded in fixtures/poetry-requests.json.
// Re-record with: CAPSIM_RECORD_POETRY_FIXTURE=1 npx vitest run test/stack/poetry.test.ts
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { poetry, poetryProject, poetryVersion, type PoetryProject } from './poetry-run.js';
import { parseAccessLog, startStack, waitForAccessLog, type AccessLogEntry, type RunningStack } from './stack.js';

const FIXTURE = join(fileURLToPath(new URL('.', import.meta.url)), 'fixtures', 'poetry-requests.json');
const RECORD = process.env.CAPSIM_RECORD_POETRY_FIXTURE === '1';
const DEPENDENCIES = ['test-package-003', 'test-package-007'];

interface Captured {
  path: string;
  headers: Record<string, string>;
}

interface RecordedRequest {
  method: string;
  path: string;
  status: number;
  /** Which client connection (numbered in order of first use within the command) and its nth request. */
  connection: number;
  connectionRequest: number;
  headers: Record<string, string>;
}

describe('real poetry against the stack', () => {
  let stack: RunningStack;
  let project: PoetryProject;
  let version = '';
  const commands: Record<'lock' | 'install', RecordedRequest[]> = { lock: [], install: [] };

  beforeAll(async () => {
    stack = await startStack({ servers: 1, workers: 2, workerClass: 'gevent', balancing: 'round_robin', projects: 10, captureHeaders: true });
    const port = Number(new URL(stack.url).port);
    version = await poetryVersion();
    project = poetryProject(`${stack.url}simple/`, DEPENDENCIES);
    for (const [name, args] of [['lock', ['lock']], ['install', ['install', '--no-root']]] as const) {
      const logBefore = parseAccessLog(readFileSync(stack.nginxAccessLog, 'utf8')).length;
      const capBefore = readFileSync(stack.captureFile!, 'utf8').split('\n').filter(Boolean).length;
      await poetry(project, [...args]);
      const log = (await waitForAccessLog(stack.nginxAccessLog, logBefore + 4)).slice(logBefore);
      const caps = (readFileSync(stack.captureFile!, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)) as Captured[]).slice(capBefore);
      const connections = [...new Set(log.map((e) => e.connection))];
      commands[name] = log.map((e: AccessLogEntry) => {
        const cap = caps.find((c) => c.path === e.uri)!;
        const headers = Object.fromEntries(
          Object.entries({ ...cap.headers, connection: e.clientConnection, host: e.host.replace(`:${port}`, ':PORT') }).sort(([a], [b]) => a.localeCompare(b)),
        );
        return { method: e.method, path: e.uri, status: e.status, connection: connections.indexOf(e.connection) + 1, connectionRequest: e.connectionRequests, headers };
      });
    }
    if (RECORD) {
      writeFileSync(FIXTURE, `${JSON.stringify({
        about: 'Requests real poetry sent to the capsim local stack serving the real pypiserver, for a project depending on test-package-003 and test-package-007 from the stack\'s .../simple/ alone (nginx access log + headers the app received; Connection and Host as the client sent them). Recorded by test/stack/poetry.test.ts with CAPSIM_RECORD_POETRY_FIXTURE=1.',
        poetry: version,
        server: `${stack.server} ${stack.serverVersion}`,
        dependencies: DEPENDENCIES,
        commands,
      }, null, 2)}\n`);
    }
  }, 240_000);

  afterAll(async () => {
    await stack?.stop();
    if (project) rmSync(project.dir, { recursive: true, force: true });
  });

  const pages = DEPENDENCIES.map((p) => `/simple/${p}/`);
  const wheels = DEPENDENCIES.map((p) => `/packages/${p.replaceAll('-', '_')}-2.0.0-py3-none-any.whl`);

  it('poetry lock reads each dependency\'s page, then downloads each newest wheel to read its metadata', () => {
    const paths = commands.lock.map((r) => r.path);
    expect(paths.slice(0, 2).sort()).toEqual(pages);
    expect(paths.slice(2).sort()).toEqual(wheels);
    expect(commands.lock.every((r) => r.status === 200)).toBe(true);
  });

  it('poetry install reads the pages again (in parallel) and then downloads the wheels; no redirect, no PEP 691 Accept, requests\' headers', () => {
    const paths = commands.install.map((r) => r.path);
    expect(paths.slice(0, 2).sort()).toEqual(pages);
    expect(paths.slice(2).sort()).toEqual(wheels);
    for (const r of [...commands.lock, ...commands.install]) {
      expect(r.headers.accept).toBe('*/*');
      expect(r.headers.connection).toBe('keep-alive');
      expect(r.headers['user-agent']).toMatch(/^python-requests\/\d/);
    }
  });

  it('matches the recorded fixture (same requests, statuses and headers)', () => {
    expect(existsSync(FIXTURE), `record ${FIXTURE} with CAPSIM_RECORD_POETRY_FIXTURE=1`).toBe(true);
    const fixture = JSON.parse(readFileSync(FIXTURE, 'utf8')) as { poetry: string; commands: typeof commands };
    if (fixture.poetry !== version) {
      console.warn(`poetry ${version} differs from the fixture's poetry ${fixture.poetry}; only the request sequence is compared`);
      return;
    }
    // Parallel requests may finish in another order: compare as sets per phase (pages, then wheels).
    const phases = (list: RecordedRequest[]) => ({
      pages: list.filter((r) => r.path.startsWith('/simple/')).map(({ connection: _c, connectionRequest: _n, ...rest }) => rest).sort((a, b) => a.path.localeCompare(b.path)),
      wheels: list.filter((r) => r.path.startsWith('/packages/')).map(({ connection: _c, connectionRequest: _n, ...rest }) => rest).sort((a, b) => a.path.localeCompare(b.path)),
    });
    expect(phases(commands.lock)).toEqual(phases(fixture.commands.lock));
    expect(phases(commands.install)).toEqual(phases(fixture.commands.install));
  });
});
