import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runValidation, type ValidationOptions } from '../../src/live/run-validation.js';
import type { RequestRecord } from '../../src/live/install.js';
import type { ValidationSummary } from '../../src/live/summary.js';
import { startTinyIndex, type TinyIndex } from './helpers/tiny-index.js';
import { oneBurst } from './helpers/scenario.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function index(options: Parameters<typeof startTinyIndex>[0] = {}): Promise<TinyIndex> {
  const server = await startTinyIndex(options);
  cleanups.push(() => server.close());
  return server;
}

function outDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'capsim-live-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function readRequests(dir: string): RequestRecord[] {
  return readFileSync(path.join(dir, 'requests.ndjson'), 'utf8')
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as RequestRecord);
}

const readSummary = (dir: string) => JSON.parse(readFileSync(path.join(dir, 'summary.json'), 'utf8')) as ValidationSummary;

const base = (server: TinyIndex, extra: Partial<ValidationOptions>): ValidationOptions => ({
  url: server.url,
  scenario: oneBurst('pip-root-index', 5),
  outDir: outDir(),
  progress: false,
  log: () => undefined,
  ...extra,
});

describe('runValidation against a loopback index', () => {
  it('sends pip-root-index installs: redirect followed, newest wheel from the page, one connection per install', async () => {
    const server = await index();
    const options = base(server, { scenario: oneBurst('pip-root-index', 8) });
    const result = await runValidation(options);
    expect(result.interrupted).toBe(false);
    const requests = readRequests(options.outDir);
    expect(requests).toHaveLength(8 * 3);
    const byInstall = new Map<number, RequestRecord[]>();
    for (const r of requests) byInstall.set(r.install, [...(byInstall.get(r.install) ?? []), r]);
    for (const list of byInstall.values()) {
      list.sort((a, b) => a.t - b.t);
      const project = /^\/(demo-\d{3})\/$/.exec(list[0].path)![1];
      expect(list.map((r) => [r.operation, r.hop, r.path, r.status])).toEqual([
        ['root', 0, `/${project}/`, 303],
        ['root', 1, `/simple/${project}/`, 200],
        ['download', 0, `/packages/${project.replace('-', '_')}-2.0.0-py3-none-any.whl`, 200],
      ]);
      expect(new Set(list.map((r) => r.connection)).size).toBe(1);
      expect(list[1].op_final).toBe(true);
      expect(list[0].op_final).toBeUndefined();
      expect(list[2].bytes).toBe(1000);
    }
    // 8 distinct connections, one per install
    expect(new Set(requests.map((r) => r.connection)).size).toBe(8);
    const s = readSummary(options.outDir);
    expect(s.total_requests).toBe(16);
    expect(s.http_requests).toBe(24);
    expect(s.operations.root.total_requests).toBe(8);
    expect(s.operations.download.total_requests).toBe(8);
    expect(s.error_rate).toBe(0);
    expect(s.upstream_share['127.0.0.1:1'].requests).toBe(16);
    expect(s.upstream_share['127.0.0.1:2'].requests).toBe(8);
    expect(s.iterations[0]).toMatchObject({ index: 0, burst: true, installs: 8, installs_ok: 8 });
    expect(s.interrupted).toBe(false);
    // pip's headers reached the server
    const page = server.load().find((r) => r.path.startsWith('/simple/'))!;
    expect(page.headers.accept).toBe('application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01');
    expect(page.headers['user-agent']).toMatch(/^pip\/\d+\.\d+ \{/);
    const wheel = server.load().find((r) => r.path.startsWith('/packages/'))!;
    expect(wheel.headers['accept-encoding']).toBe('identity');
    expect(readFileSync(options.outDir + '/summary.md', 'utf8')).toContain('| root | 8 | 0 |');
  });

  it('an install of 3 requirements fetches 3 different projects one after another on its one connection', async () => {
    const server = await index();
    const options = base(server, { scenario: { ...oneBurst('pip-root-index', 6), requirements: 3 } });
    const result = await runValidation(options);
    expect(result.summary).toMatchObject({ total_requests: 36, http_requests: 54, failed_requests: 0 });
    expect(result.summary.installs).toMatchObject({ started: 6, ok: 6 });
    const byInstall = new Map<number, RequestRecord[]>();
    for (const r of readRequests(options.outDir)) byInstall.set(r.install, [...(byInstall.get(r.install) ?? []), r]);
    for (const list of byInstall.values()) {
      list.sort((a, b) => a.t - b.t || a.hop - b.hop);
      expect(new Set(list.map((r) => r.connection)).size).toBe(1);
      const projects = list.filter((r) => r.hop === 0 && r.operation === 'root').map((r) => /^\/(demo-\d{3})\/$/.exec(r.path)![1]);
      expect(new Set(projects).size).toBe(3);
      expect(list.map((r) => r.path)).toEqual(projects.flatMap((p) => [`/${p}/`, `/simple/${p}/`, `/packages/${p.replace('-', '_')}-2.0.0-py3-none-any.whl`]));
    }
  });

  it('runs the seed tool flow: 3 operations, 4 requests, all run even when one fails', async () => {
    const server = await index({ fault: (p) => (p.startsWith('/simple/') ? 503 : undefined) });
    const options = base(server, { scenario: oneBurst('seed-tool', 4) });
    await runValidation(options);
    const s = readSummary(options.outDir);
    // root follows the 303 to /simple/... which fails: root and simple fail, download succeeds
    expect(s.total_requests).toBe(12);
    expect(s.http_requests).toBe(16);
    expect(s.failed_requests).toBe(8);
    expect(s.error_rate).toBeCloseTo(8 / 12, 12);
    expect(s.status_code_counts).toEqual({ '503': 8, '200': 4 });
    expect(s.error_5xx_count).toBe(8);
    expect(s.error_samples[0]).toMatchObject({ status: 503, error_class: 'http_status' });
  });

  it('retries like pip: 503 retried with backoff, 502 not retried', async () => {
    const server = await index({
      fault: (p, n) => (p.startsWith('/simple/') && n <= 2 ? 503 : p.startsWith('/packages/') ? 502 : undefined),
    });
    const options = base(server, {
      scenario: oneBurst('pip-simple-index', 1, { retries: 5, backoffFactorSeconds: 0.05, retryStatuses: [500, 503, 520, 527] }),
    });
    await runValidation(options);
    const requests = readRequests(options.outDir).sort((a, b) => a.t - b.t);
    expect(requests.map((r) => [r.operation, r.attempt, r.status])).toEqual([
      ['simple', 0, 503],
      ['simple', 1, 503],
      ['simple', 2, 200],
      ['download', 0, 502],
    ]);
    // urllib3: no sleep before retry 1, 0.05 * 2 = 0.1 s before retry 2
    expect(requests[2].t - requests[1].t).toBeGreaterThanOrEqual(0.095);
    const s = readSummary(options.outDir);
    expect(s.operations.simple.successful_requests).toBe(1);
    expect(s.operations.download.failed_requests).toBe(1);
  });

  it('times out a request that gets no answer and counts it as a failure', async () => {
    const server = await index({ fault: (p) => (p.startsWith('/packages/') ? 'hang' : undefined) });
    const options = base(server, { scenario: oneBurst('pip-simple-index', 2, { timeoutSeconds: 0.3 }) });
    await runValidation(options);
    const s = readSummary(options.outDir);
    expect(s.failed_requests).toBe(2);
    expect(s.error_samples[0].error_class).toBe('timeout');
    expect(s.operations.download.failed_requests).toBe(2);
    expect(s.timeline.reduce((sum, second) => sum + second.timeouts, 0)).toBe(2);
  });

  it('times out at the timeout itself, like pip, not on undici\'s coarse 499 ms timer', async () => {
    const server = await index({ fault: (p) => (p.startsWith('/packages/') ? 'hang' : undefined) });
    const options = base(server, { scenario: oneBurst('pip-simple-index', 2, { timeoutSeconds: 1.2 }) });
    await runValidation(options);
    const timedOut = readRequests(options.outDir).filter((r) => r.error_class === 'timeout');
    expect(timedOut).toHaveLength(2);
    // undici's headersTimeout alone fired at 1.48 s here (its timeouts run on a timer that ticks every 499 ms).
    for (const r of timedOut) {
      expect(r.latency_ms).toBeGreaterThan(1195); // node timers may fire a fraction of a ms early on the perf clock
      expect(r.latency_ms).toBeLessThan(1300);
    }
  });

  it('aborts once the error rate exceeds --max-error-rate and still writes a summary', async () => {
    const server = await index({ fault: () => 500, delayMs: 20 });
    const options = base(server, { scenario: oneBurst('seed-tool', 60), maxErrorRate: 0.1, abortMinOperations: 10 });
    const result = await runValidation(options);
    expect(result.interruptReason).toBe('threshold');
    const s = readSummary(options.outDir);
    expect(s.interrupted).toBe(true);
    expect(s.interrupt_reason).toBe('threshold');
    expect(s.interrupt_detail).toMatch(/exceeded --max-error-rate 10\.0 %/);
    expect(s.total_requests).toBeLessThan(180);
    expect(readRequests(options.outDir).length).toBe(s.http_requests);
  });

  it('stops on the caller signal: no new requests, summary marked interrupted, ndjson complete', async () => {
    const server = await index({ delayMs: 150 });
    const options = base(server, { scenario: oneBurst('seed-tool', 40), graceMs: 100 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 220);
    const result = await runValidation(options, { signal: controller.signal });
    expect(result.interruptReason).toBe('signal');
    const s = readSummary(options.outDir);
    expect(s.interrupted).toBe(true);
    const requests = readRequests(options.outDir);
    expect(requests.length).toBe(s.http_requests);
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.length).toBeLessThan(160);
    expect(s.aborted_in_flight_installs).toBeGreaterThan(0);
  });

  it('marks a crash as interrupted and keeps what was recorded', async () => {
    const server = await index();
    const options = base(server, {
      scenario: oneBurst('seed-tool', 5),
      onOperation: (record) => {
        if (record.op === 7) throw new Error('boom in a consumer');
      },
    });
    const result = await runValidation(options);
    expect(result.interruptReason).toBe('crash');
    expect(result.crash).toBe('boom in a consumer');
    const s = readSummary(options.outDir);
    expect(s.interrupted).toBe(true);
    expect(s.interrupt_reason).toBe('crash');
    expect(readRequests(options.outDir).length).toBe(s.http_requests);
  });

  it('sends Basic auth and leaves no trace of the password anywhere', async () => {
    const password = 'Tr0ub4dor&3-horse';
    const server = await index({ fault: (p) => (p.startsWith('/packages/') ? 401 : undefined) });
    const lines: string[] = [];
    const options = base(server, {
      url: server.url.replace('http://', `http://ci:${encodeURIComponent(password)}@`),
      scenario: oneBurst('pip-root-index', 3),
      log: (line) => lines.push(line),
    });
    const result = await runValidation(options);
    const token = Buffer.from(`ci:${password}`).toString('base64');
    expect(server.seen.every((r) => r.headers.authorization === `Basic ${token}`)).toBe(true);
    const texts = [JSON.stringify(result), lines.join('\n')];
    for (const file of readdirSync(options.outDir)) texts.push(readFileSync(path.join(options.outDir, file), 'utf8'));
    for (const text of texts) {
      expect(text).not.toContain(password);
      expect(text).not.toContain(encodeURIComponent(password));
      expect(text).not.toContain(token);
    }
    expect(readSummary(options.outDir).target).toBe(server.url);
  });
});

describe('runValidation: crash signalled from outside the run', () => {
  it('treats an abort whose reason is a CrashError as a crash', async () => {
    const server = await index({ delayMs: 100 });
    const options = base(server, { scenario: oneBurst('seed-tool', 10) });
    const controller = new AbortController();
    setTimeout(() => controller.abort(Object.assign(new Error('uncaught in a timer'), { name: 'CrashError' })), 150);
    const result = await runValidation(options, { signal: controller.signal });
    expect(result.interruptReason).toBe('crash');
    expect(readSummary(options.outDir)).toMatchObject({ interrupted: true, interrupt_reason: 'crash', interrupt_detail: 'uncaught in a timer' });
  });

  it('refuses a password without a user name', async () => {
    const server = await index();
    await expect(runValidation(base(server, { password: 'x' }))).rejects.toThrow(/without a user name/);
  });
});
