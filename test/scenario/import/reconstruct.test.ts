import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importAlbLogs, type AlbImportResult } from '../../../src/scenario/import/alb-import.js';
import { albLogLine, type LoggedCall, writeLog } from './alb-log-writer.js';
import { callsOf, type FixtureInstall, loggedInAnswerOrder, PIP_UA, POETRY_UA, SEED_UA } from './install-calls.js';

const dir = mkdtempSync(join(tmpdir(), 'capsim-reconstruct-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const T0 = Date.UTC(2025, 5, 3, 10, 30, 0);
const TARGETS = ['10.0.1.10:8080', '10.0.1.11:8080', '10.0.2.10:8080'];

/** Writes the calls as two load balancer nodes would (each its own file, in answer order) and imports them. */
async function importCalls(name: string, calls: LoggedCall[]): Promise<AlbImportResult> {
  const sub = join(dir, name);
  mkdirSync(sub);
  const byNode = [0, 1].map((node) => loggedInAnswerOrder(calls.filter((c) => c.clientPort % 2 === node)).map(albLogLine));
  writeLog(join(sub, 'node-a.log.gz'), byNode[0]);
  writeLog(join(sub, 'node-b.log'), byNode[1]);
  return importAlbLogs({ paths: [sub] });
}

function installsOf(r: AlbImportResult): Array<{ offsetMs: number; category: string; project: string; client: string; completed: boolean }> {
  return Array.from(r.installs.order(), (k) => ({
    offsetMs: Math.round(r.installs.startMs(k) - T0),
    category: r.installs.categoryOf(k),
    project: r.projects[r.installs.projectOf(k)],
    client: r.clientKeys[r.installs.clientOf(k)].client,
    completed: r.installs.isCompleted(k),
  }));
}

describe('install reconstruction', () => {
  it('finds every install of interleaved clients, concurrent installs of one project included', async () => {
    const installs: FixtureInstall[] = [
      // One CI host running pip with the index root: two concurrent installs of pkg-001.
      { client: '10.9.0.1', userAgent: PIP_UA, flow: 'pip-root-index', project: 'pkg-001', startMs: T0 },
      { client: '10.9.0.1', userAgent: PIP_UA, flow: 'pip-root-index', project: 'pkg-001', startMs: T0 + 7 },
      { client: '10.9.0.1', userAgent: PIP_UA, flow: 'pip-root-index', project: 'pkg-002', startMs: T0 + 50 },
      // The seed tool: five concurrent installs of one project from one host, and two more.
      ...[0, 1, 2, 3, 4].map((k): FixtureInstall => ({ client: '10.9.0.2', userAgent: SEED_UA, flow: 'seed-tool', project: 'pkg-003', startMs: T0 + k, serviceMs: 15 + 3 * k })),
      { client: '10.9.0.2', userAgent: SEED_UA, flow: 'seed-tool', project: 'pkg-004', startMs: T0 + 2 },
      { client: '10.9.0.2', userAgent: SEED_UA, flow: 'seed-tool', project: 'pkg-001', startMs: T0 + 3 },
      // Poetry on its own host, and on the first host (another user agent: another client).
      { client: '10.9.0.3', userAgent: POETRY_UA, flow: 'poetry', project: 'pkg-001', startMs: T0 + 10 },
      { client: '10.9.0.1', userAgent: POETRY_UA, flow: 'poetry', project: 'pkg-001', startMs: T0 + 12 },
      // pip with .../simple/ as the index URL.
      { client: '10.9.0.4', userAgent: PIP_UA, flow: 'pip-simple-index', project: 'pkg-005', startMs: T0 + 30_000 },
    ];
    const r = await importCalls('interleaved', installs.flatMap((i) => callsOf(i, TARGETS)));
    const found = installsOf(r);
    expect(found.map((i) => i.offsetMs)).toEqual(installs.map((i) => i.startMs - T0).sort((a, b) => a - b));
    expect(found.every((i) => i.completed)).toBe(true);
    const count = (category: string) => found.filter((i) => i.category === category).length;
    expect([count('pip-root-index'), count('seed-tool'), count('poetry'), count('pip-simple-index'), count('other')]).toEqual([3, 7, 2, 1, 0]);
    expect(found.filter((i) => i.project === 'pkg-003').map((i) => i.offsetMs)).toEqual([0, 1, 2, 3, 4]);
    expect(r.singles.length).toBe(0);
    expect(r.installs.retries).toBe(0);
    expect(r.late).toBe(0);
    expect(r.entries).toBe(3 * 3 + 7 * 4 + 2 * 2 + 2);
  });

  it('counts a retry of pip as part of its install, and keeps failed installs', async () => {
    const retried = callsOf({ client: '10.9.1.1', userAgent: PIP_UA, flow: 'pip-root-index', project: 'pkg-010', startMs: T0, statuses: [503] }, TARGETS).slice(0, 1);
    // pip retries the 503 at once (urllib3 sleeps 0 before the first retry), then follows the 303.
    const rest = callsOf({ client: '10.9.1.1', userAgent: PIP_UA, flow: 'pip-root-index', project: 'pkg-010', startMs: T0 + 25 }, TARGETS).map((c) => ({ ...c, clientPort: retried[0].clientPort }));
    // The seed tool after a 504 on /<project>/ (no redirect): it goes on with the simple page and the wheel.
    const seed = callsOf({ client: '10.9.1.2', userAgent: SEED_UA, flow: 'seed-tool', project: 'pkg-011', startMs: T0 + 100, statuses: [504, 200, 200] }, TARGETS).filter((_, i) => i !== 1);
    // pip that gets a 502 (not retried) and gives up.
    const failed = callsOf({ client: '10.9.1.3', userAgent: PIP_UA, flow: 'pip-root-index', project: 'pkg-012', startMs: T0 + 200, statuses: [502] }, TARGETS).slice(0, 1);
    const r = await importCalls('retries', [...retried, ...rest, ...seed, ...failed]);
    const found = installsOf(r);
    expect(found.map((i) => [i.offsetMs, i.category, i.completed])).toEqual([
      [0, 'pip-root-index', true],
      [100, 'seed-tool', true],
      [200, 'pip-root-index', false],
    ]);
    expect(r.installs.retries).toBe(1);
    expect(r.installs.requests).toBe(4 + 3 + 1);
  });

  it('keeps requests that fit no install as single requests', async () => {
    const call = (path: string, at: number): LoggedCall => ({ receivedMs: T0 + at, answeredMs: T0 + at + 5, client: '10.9.2.1', clientPort: 41000 + at, target: TARGETS[0], targetProcessingS: 0.004, elbStatus: 200, targetStatus: 200, sentBytes: 1000, path, userAgent: 'curl/8.5.0' });
    const r = await importCalls('singles', [
      call('/', 0),
      call('/simple/', 10),
      call('/packages/pkg_020-2.0.0-py3-none-any.whl', 20),
      call('/favicon.ico', 30),
      { ...call('/', 40), method: 'POST' },
    ]);
    expect(r.installs.length).toBe(0);
    expect(Array.from({ length: r.singles.length }, (_, k) => r.singles.kindOf(k)).sort()).toEqual(['file', 'listing', 'other', 'other', 'welcome']);
  });
});
