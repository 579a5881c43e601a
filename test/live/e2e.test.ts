// validate against the real local stack (test/stack: nginx over gunicorn serving the real pypiserver, projects
// named test-package-NNN): discovery of the index's projects, request counts, the per-install sequence and
// headers compared with what real pip sent (test/stack/fixtures/pip-requests.json) through nginx's access log,
// per-upstream shares, local diagnostics, and SIGINT through the CLI.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runValidation } from '../../src/live/run-validation.js';
import type { RequestRecord } from '../../src/live/install.js';
import type { ValidationSummary } from '../../src/live/summary.js';
import { vendoredPypiserverTarball } from '../stack/pypiserver-source.js';
import { parseAccessLog, startStack, type AccessLogEntry, type RunningStack } from '../stack/stack.js';
import { oneBurst } from './helpers/scenario.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface FixtureRequest {
  method: string;
  path: string;
  status: number;
  connectionRequest: number;
  headers: Record<string, string>;
}
interface Fixture {
  pip: string;
  flows: Record<'pip-root-index' | 'pip-simple-index' | 'pip-requirements', { requests: FixtureRequest[]; clientConnections: number }>;
}
const fixture = JSON.parse(readFileSync(path.join(root, 'test/stack/fixtures/pip-requests.json'), 'utf8')) as Fixture;
/** The fixture was recorded with pip downloading test-package-003. */
const FIXTURE_PROJECT = 'test-package-003';
const PROJECTS = 30;

interface Captured {
  method: string;
  path: string;
  headers: Record<string, string>;
}

let stack: RunningStack;
let port: number;
const dirs: string[] = [];

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'capsim-e2e-'));
  dirs.push(dir);
  return dir;
}

function logSince(offset: number): AccessLogEntry[] {
  return parseAccessLog(readFileSync(stack.nginxAccessLog, 'utf8')).slice(offset);
}

/** The load's part of what nginx logged since `offset`: discovery's requests (the list, pages, HEADs) come first. */
function loadLogSince(offset: number, summary: ValidationSummary): AccessLogEntry[] {
  const log = logSince(offset);
  const discovery = log.slice(0, summary.discovery!.requests);
  expect(discovery[0].uri).toBe('/simple/');
  expect(discovery.filter((e) => e.method === 'HEAD')).toHaveLength(summary.discovery!.sized_files);
  return log.slice(summary.discovery!.requests);
}
const logLength = () => parseAccessLog(readFileSync(stack.nginxAccessLog, 'utf8')).length;
const captured = (): Captured[] =>
  readFileSync(stack.captureFile!, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Captured);

const readRequests = (dir: string) =>
  readFileSync(path.join(dir, 'requests.ndjson'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as RequestRecord);

/** A fixture path rewritten for another project (test-package-003 -> test-package-042, and the wheel's test_package_003). */
function forProject(fixturePath: string, project: string): string {
  return fixturePath.replaceAll(FIXTURE_PROJECT, project).replaceAll(FIXTURE_PROJECT.replaceAll('-', '_'), project.replaceAll('-', '_'));
}

/** Headers as the client sent them: what the app received, with Connection and Host from nginx's log. */
function clientHeaders(cap: Captured, log: AccessLogEntry): Record<string, string> {
  const headers = { ...cap.headers, connection: log.clientConnection, host: log.host.replace(`:${port}`, ':PORT') };
  return Object.fromEntries(Object.entries(headers).sort(([a], [b]) => a.localeCompare(b)));
}

/** pip's user agent: "pip/<version> <json>"; the same JSON keys as real pip sends. */
function userAgentShape(agent: string): { product: string; keys: string[] } {
  const space = agent.indexOf(' ');
  const data = JSON.parse(agent.slice(space + 1)) as Record<string, unknown>;
  return { product: agent.slice(0, space).replace(/\/.*/, ''), keys: Object.keys(data) };
}

/** Checks every install of the run against the real-pip sequence of a flow. */
function expectSameAsRealPip(flow: 'pip-root-index' | 'pip-simple-index', log: AccessLogEntry[], caps: Captured[], installs: number): void {
  const expected = fixture.flows[flow];
  const byConnection = new Map<number, AccessLogEntry[]>();
  for (const entry of log) byConnection.set(entry.connection, [...(byConnection.get(entry.connection) ?? []), entry]);
  // One client connection per install, like pip (one process, one keep-alive connection).
  expect(byConnection.size).toBe(installs * expected.clientConnections);
  const capsByPath = new Map<string, Captured[]>();
  for (const cap of caps) capsByPath.set(cap.path, [...(capsByPath.get(cap.path) ?? []), cap]);
  for (const entries of byConnection.values()) {
    entries.sort((a, b) => a.connectionRequests - b.connectionRequests);
    const project = /^\/(?:simple\/)?(test-package-\d{3})\/$/.exec(entries[0].uri)![1];
    expect(entries.map((e) => ({ method: e.method, path: e.uri, status: e.status, connectionRequest: e.connectionRequests }))).toEqual(
      expected.requests.map((r) => ({ method: r.method, path: forProject(r.path, project), status: r.status, connectionRequest: r.connectionRequest })),
    );
    entries.forEach((entry, i) => {
      const want = expected.requests[i].headers;
      const cap = capsByPath.get(entry.uri)!.shift()!;
      const got = clientHeaders(cap, entry);
      const { 'user-agent': gotAgent, ...gotRest } = got;
      const { 'user-agent': wantAgent, ...wantRest } = want;
      expect(gotRest).toEqual(wantRest);
      expect(userAgentShape(gotAgent)).toEqual(userAgentShape(wantAgent));
    });
  }
}

beforeAll(async () => {
  stack = await startStack({ servers: 2, workers: 2, workerClass: 'gevent', balancing: 'round_robin', captureHeaders: true, projects: PROJECTS });
  expect(stack.server).toBe(vendoredPypiserverTarball() ? 'pypiserver' : 'lookalike');
  port = Number(new URL(stack.url).port);
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('validate against the local stack', () => {
  it('a 60-install pip burst through the CLI: 180 requests, real pip sequence and headers, upstream shares, local diagnostics', async () => {
    const dir = tempDir();
    const out = path.join(dir, 'out');
    const scenario = path.join(dir, 'burst.json');
    const { source: _source, ...data } = oneBurst('pip-root-index', 60, { timeoutSeconds: 15, retries: 5, backoffFactorSeconds: 0.25, retryStatuses: [500, 503, 520, 527] });
    writeFileSync(scenario, JSON.stringify(data));
    const logOffset = logLength();
    const capOffset = captured().length;
    const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [path.join(root, 'bin/run.js'), 'validate', '--url', stack.url, '--scenario', scenario, '--out-dir', out,
        '--diagnostics', 'local', '--diagnostics-s', '1', '--workers', '2', '--worker-class', 'gevent', '--tasks', '2', '--json'], { cwd: root });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c) => (stdout += c));
      child.stderr.on('data', (c) => (stderr += c));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    expect(run.code, run.stderr).toBe(0);
    const printed = JSON.parse(run.stdout) as { summary: ValidationSummary };
    const summary = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) as ValidationSummary;
    expect(printed.summary.total_requests).toBe(summary.total_requests);

    // Counts: 60 installs x (303 + page + wheel) = 180 HTTP requests, 120 operations.
    const requests = readRequests(out);
    expect(requests).toHaveLength(180);
    expect(summary.http_requests).toBe(180);
    expect(summary.total_requests).toBe(120);
    expect(summary.failed_requests).toBe(0);
    expect(summary.installs).toMatchObject({ started: 60, ok: 60, failed: 0 });
    expect(summary.iterations).toHaveLength(1);
    console.log(`60-install burst: dispatch spread ${summary.iterations[0].dispatch_spread_ms} ms, P95 ${summary.latency_p95?.toFixed(1)} ms`);

    // Discovery read the index's own projects: every listed page, a HEAD per file for the sizes.
    expect(summary.discovery).toMatchObject({ format: 'pep503-html', listed_projects: PROJECTS, candidates: PROJECTS, pages_read: PROJECTS, files: stack.files.length, files_estimated: false, sized_files: stack.files.length, size_source: 'head-content-length' });
    expect(summary.repository).toEqual({ projects: PROJECTS, versionsPerProject: 3, wheelBytes: stack.files.reduce((s, f) => s + f.bytes, 0) / stack.files.length, versionPick: 'latest', files: stack.files.length });
    expect(summary.scenario.repository).toEqual(summary.repository);
    for (const r of requests) expect(r.path).toMatch(/^\/(simple\/|packages\/)?test[-_]package[-_]\d{3}/);

    // Compared with real pip through nginx's access log and the headers the app received.
    const log = loadLogSince(logOffset, summary);
    expect(log).toHaveLength(180);
    expectSameAsRealPip('pip-root-index', log, captured().slice(capOffset + summary.discovery!.requests), 60);

    // Per-upstream shares: both gunicorn servers, as nginx's X-Upstream reports them.
    expect(Object.keys(summary.upstream_share).sort()).toEqual([...stack.upstreams].sort());
    const shares = Object.values(summary.upstream_share);
    expect(shares.reduce((sum, s) => sum + s.requests, 0)).toBe(180);
    expect(shares.reduce((sum, s) => sum + s.share, 0)).toBeCloseTo(1, 12);
    for (const r of requests) expect(stack.upstreams).toContain(r.upstream);
    const logByUpstream = new Map<string, number>();
    for (const e of log) logByUpstream.set(e.upstream, (logByUpstream.get(e.upstream) ?? 0) + 1);
    for (const [upstream, share] of Object.entries(summary.upstream_share)) expect(share.requests).toBe(logByUpstream.get(upstream));

    // Local diagnostics during the burst: parsed CPU and memory figures, raw output kept.
    expect(summary.diagnostics).toHaveLength(1);
    const host = summary.diagnostics[0].hosts[0];
    expect(host.host).toBe('localhost');
    expect(host.parsed.cpu).not.toBeNull();
    expect(host.parsed.cpu!.idle).toBeGreaterThanOrEqual(0);
    expect(host.parsed.memory!.totalMb).toBeGreaterThan(0);
    expect(host.parsed.memory!.availableMb).toBeGreaterThan(0);
    expect(host.raw.mpstat?.raw).toContain('%usr');
    expect(summary.sizing).toEqual({ tasks: 2, workers: 2, workerClass: 'gevent' });
    expect(readFileSync(path.join(out, 'summary.md'), 'utf8')).toContain('## Requests per upstream');
  });

  it('pip-simple-index installs send exactly what real pip sends with .../simple/ as the index', async () => {
    const logOffset = logLength();
    const capOffset = captured().length;
    const result = await runValidation({ url: stack.url, scenario: oneBurst('pip-simple-index', 20), outDir: tempDir(), progress: false, log: () => undefined });
    expect(result.summary.http_requests).toBe(40);
    expect(result.summary.failed_requests).toBe(0);
    expectSameAsRealPip('pip-simple-index', loadLogSince(logOffset, result.summary), captured().slice(capOffset + result.summary.discovery!.requests), 20);
  });

  it('a requirements file: every install sends what real pip install -r sends for it, on one connection', async () => {
    const logOffset = logLength();
    const capOffset = captured().length;
    const names = ['test-package-003', 'test-package-007', 'test-package-001'];
    const result = await runValidation({
      url: stack.url, scenario: { ...oneBurst('pip-root-index', 10), requirements: 3 }, projects: names, requirementsInOrder: true, outDir: tempDir(), progress: false, log: () => undefined,
    });
    expect(result.summary).toMatchObject({ total_requests: 60, http_requests: 90, failed_requests: 0 });
    expect(result.summary.scenario.requirements).toBe(3);
    const log = loadLogSince(logOffset, result.summary);
    const caps = captured().slice(capOffset + result.summary.discovery!.requests);
    const expected = fixture.flows['pip-requirements'];
    const byConnection = new Map<number, AccessLogEntry[]>();
    for (const e of log) byConnection.set(e.connection, [...(byConnection.get(e.connection) ?? []), e]);
    expect(byConnection.size).toBe(10);
    for (const entries of byConnection.values()) {
      entries.sort((a, b) => a.connectionRequests - b.connectionRequests);
      expect(entries.map((e) => ({ method: e.method, path: e.uri, status: e.status, connectionRequest: e.connectionRequests }))).toEqual(
        expected.requests.map((r) => ({ method: r.method, path: r.path, status: r.status, connectionRequest: r.connectionRequest })),
      );
    }
    for (const [i, cap] of caps.entries()) {
      const want = expected.requests.find((r) => r.path === cap.path)!.headers;
      const got = clientHeaders(cap, log.find((e) => e.uri === cap.path)!);
      expect({ ...got, 'user-agent': undefined }, `request ${i}`).toEqual({ ...want, 'user-agent': undefined });
    }
  });

  it('poetry installs of two requirements: every page, then every wheel, with the headers real poetry sent', async () => {
    const poetryFixture = JSON.parse(readFileSync(path.join(root, 'test/stack/fixtures/poetry-requests.json'), 'utf8')) as {
      dependencies: string[];
      commands: { install: Array<{ method: string; path: string; status: number; headers: Record<string, string> }> };
    };
    const logOffset = logLength();
    const capOffset = captured().length;
    const result = await runValidation({
      url: stack.url, scenario: { ...oneBurst('poetry', 8), requirements: 2 }, projects: poetryFixture.dependencies, requirementsInOrder: true, outDir: tempDir(), progress: false, log: () => undefined,
    });
    expect(result.summary).toMatchObject({ total_requests: 32, http_requests: 32, failed_requests: 0 });
    const log = loadLogSince(logOffset, result.summary);
    const caps = captured().slice(capOffset + result.summary.discovery!.requests);
    const requests = readRequests(result.outDir).sort((a, b) => a.t - b.t);
    const expected = poetryFixture.commands.install;
    for (let install = 0; install < 8; install++) {
      const mine = requests.filter((r) => r.install === install);
      // Pages first (both dispatched before any wheel), then the wheels.
      expect(mine.slice(0, 2).map((r) => r.path).sort()).toEqual(expected.filter((r) => r.path.startsWith('/simple/')).map((r) => r.path).sort());
      expect(mine.slice(2).map((r) => r.path).sort()).toEqual(expected.filter((r) => r.path.startsWith('/packages/')).map((r) => r.path).sort());
      const lastPage = Math.max(...mine.slice(0, 2).map((r) => r.t * 1000 + r.latency_ms));
      for (const wheel of mine.slice(2)) expect(wheel.t * 1000).toBeGreaterThanOrEqual(lastPage - 1);
    }
    expect(log).toHaveLength(32);
    for (const cap of caps) {
      const entry = log.find((e) => e.uri === cap.path)!;
      const want = expected.find((r) => r.path === cap.path)!;
      expect(entry.status).toBe(want.status);
      expect(clientHeaders(cap, entry)).toEqual(want.headers);
    }
  });

  it('seed-tool installs: GET /<project>/ (303 followed), GET /simple/<project>/, GET the 2.0.0 wheel', async () => {
    const logOffset = logLength();
    const result = await runValidation({ url: stack.url, scenario: oneBurst('seed-tool', 20), outDir: tempDir(), progress: false, log: () => undefined });
    expect(result.summary.total_requests).toBe(60);
    expect(result.summary.http_requests).toBe(80);
    expect(result.summary.error_rate).toBe(0);
    const log = loadLogSince(logOffset, result.summary);
    const byConnection = new Map<number, AccessLogEntry[]>();
    for (const e of log) byConnection.set(e.connection, [...(byConnection.get(e.connection) ?? []), e]);
    expect(byConnection.size).toBe(20);
    for (const entries of byConnection.values()) {
      const project = /^\/(test-package-\d{3})\/$/.exec(entries[0].uri)![1];
      expect(entries.map((e) => `${e.uri} ${e.status}`)).toEqual([
        `/${project}/ 303`,
        `/simple/${project}/ 200`,
        `/simple/${project}/ 200`,
        `/packages/${project.replaceAll('-', '_')}-2.0.0-py3-none-any.whl 200`,
      ]);
    }
  });

  it('SIGINT mid-burst: exit 130, every recorded request parseable, summary interrupted', async () => {
    const dir = tempDir();
    const out = path.join(dir, 'out');
    const scenario = path.join(dir, 'burst.json');
    const { source: _source, ...data } = oneBurst('seed-tool', 400);
    writeFileSync(scenario, JSON.stringify(data));
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, [path.join(root, 'bin/run.js'), 'validate', '--url', stack.url, '--scenario', scenario, '--out-dir', out, '--diagnostics', 'local', '--diagnostics-s', '1'], { cwd: root, stdio: 'ignore' });
      const poll = setInterval(() => {
        let lines = 0;
        try {
          // While the run lasts, requests stream to requests.ndjson.partial (renamed into place when it ends).
          lines = readFileSync(path.join(out, 'requests.ndjson.partial'), 'utf8').split('\n').length;
        } catch {
          return;
        }
        if (lines > 50) {
          clearInterval(poll);
          child.kill('SIGINT');
        }
      }, 10);
      child.on('close', (exit) => {
        clearInterval(poll);
        resolve(exit);
      });
    });
    expect(code).toBe(130);
    const summary = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) as ValidationSummary;
    const requests = readRequests(out);
    expect(summary.interrupted).toBe(true);
    expect(summary.interrupt_reason).toBe('signal');
    expect(requests.length).toBe(summary.http_requests);
    expect(requests.length).toBeLessThan(1600);
    expect(summary.total_requests).toBe(requests.filter((r) => r.op_final).length);
  });
});
