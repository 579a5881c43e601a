// validate --engine locust against the real local stack (test/stack: nginx over gunicorn serving the real
// pypiserver): a Locust master and two workers (Debian's python3-locust 2.12) send the same installs as the
// native engine, and nginx's access log is the referee: every request it logged is in the summary and in
// requests.ndjson, and the per-install request sequences and headers are the native engine's. Also: a worker
// started elsewhere with --print-locustfile, Ctrl-C mid-burst, calibrate on a Locust run, and bad input.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../src/live/install.js';
import { runValidation } from '../../src/live/run-validation.js';
import type { ValidationSummary } from '../../src/live/summary.js';
import type { Scenario } from '../../src/scenario/types.js';
import { parseAccessLog, startStack, type AccessLogEntry, type RunningStack } from '../stack/stack.js';
import { oneBurst } from './helpers/scenario.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const PIP = { timeoutSeconds: 15, retries: 5, backoffFactorSeconds: 0.25, retryStatuses: [500, 503, 520, 527] };
const SIZING = ['--instance', 'custom', '--vcpus', '2', '--memory-gb', '8', '--tasks', '2', '--workers', '2', '--worker-class', 'gevent'];

let stack: RunningStack;
let dir: string;

beforeAll(async () => {
  stack = await startStack({ servers: 2, workers: 2, workerClass: 'gevent', balancing: 'round_robin', captureHeaders: true, projects: 30 });
  dir = mkdtempSync(path.join(tmpdir(), 'capsim-locust-test-'));
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `capsim ARGS` as users run it; `interruptAt` sends SIGINT once that file holds more than `lines` lines. */
function capsim(args: string[], options: { env?: Record<string, string>; interruptAt?: { file: string; lines: number } } = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(root, 'bin/run.js'), ...args], { cwd: root, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    const poll = options.interruptAt
      ? setInterval(() => {
          const { file, lines } = options.interruptAt!;
          if (existsSync(file) && readFileSync(file, 'utf8').split('\n').length > lines) {
            clearInterval(poll);
            child.kill('SIGINT');
          }
        }, 10)
      : undefined;
    child.on('close', (code) => {
      clearInterval(poll);
      resolve({ code, stdout, stderr });
    });
  });
}

function scenarioFile(name: string, scenario: Scenario): string {
  const file = path.join(dir, `${name}.json`);
  const { source: _source, ...data } = scenario;
  writeFileSync(file, JSON.stringify(data));
  return file;
}

const logLength = () => parseAccessLog(readFileSync(stack.nginxAccessLog, 'utf8')).length;
const readSummary = (out: string) => JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) as ValidationSummary;
const readRequests = (out: string) =>
  readFileSync(path.join(out, 'requests.ndjson'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as RequestRecord);

/** What nginx logged for a run's load (after discovery's requests), from log line `offset` on. */
function loadLog(offset: number, summary: ValidationSummary): AccessLogEntry[] {
  const log = parseAccessLog(readFileSync(stack.nginxAccessLog, 'utf8')).slice(offset);
  return log.slice(summary.discovery!.requests);
}

/** Every client connection's requests in order (one connection = one install here), as sorted text. */
function sequences(log: AccessLogEntry[]): string[] {
  const byConnection = new Map<number, AccessLogEntry[]>();
  for (const e of log) byConnection.set(e.connection, [...(byConnection.get(e.connection) ?? []), e]);
  return [...byConnection.values()]
    .map((entries) =>
      entries
        .sort((a, b) => a.connectionRequests - b.connectionRequests)
        .map((e) => `${e.connectionRequests} ${e.method} ${e.uri} ${e.status} ${e.userAgent.slice(0, 12)} ${e.accept} ${e.acceptEncoding} ${e.clientConnection}`)
        .join(' | '),
    )
    .sort();
}

describe('validate --engine locust on the local stack', () => {
  it('a master and two workers send what the native engine sends: every request nginx logged, the same per-install sequences, the seed keys within run-to-run noise', async () => {
    const scenario = scenarioFile('pip', oneBurst('pip-root-index', 40, PIP));
    const native = async () => {
      const offset = logLength();
      const result = await runValidation({ url: stack.url, scenario: oneBurst('pip-root-index', 40, PIP), seed: 7, outDir: path.join(dir, `native-${offset}`), progress: false, log: () => undefined });
      return { summary: result.summary, log: loadLog(offset, result.summary) };
    };
    const first = await native();
    const offset = logLength();
    const out = path.join(dir, 'locust');
    const run = await capsim(['validate', '--url', stack.url, '--scenario', scenario, '--seed', '7', '--engine', 'locust', '--locust-workers', '2', '--out', out, '--json', ...SIZING]);
    expect(run.code, run.stderr).toBe(0);
    const summary = readSummary(out);
    const log = loadLog(offset, summary);
    const second = await native();

    // nginx is the referee: every request of the load is in the summary and in requests.ndjson.
    expect(log).toHaveLength(120);
    expect(summary.http_requests).toBe(log.length);
    expect(readRequests(out)).toHaveLength(log.length);
    expect(summary).toMatchObject({ total_requests: 80, failed_requests: 0, error_rate: 0, installs: { started: 40, ok: 40, failed: 0 }, connections_opened: 40 });

    // The same installs (same seed, same picks), each the same sequence on its own connection, the same headers.
    expect(sequences(log)).toEqual(sequences(first.log));
    expect(new Set(sequences(log)).size).toBeGreaterThan(10);

    // The engine: Locust's version (Debian's reports none: the locustfile set it), two workers on this host.
    expect(summary.engine).toMatchObject({ name: 'locust', workers: 2, version: '2.12.1' });
    expect(summary.engine.per_worker!.map((w) => w.host)).toEqual([hostname(), hostname()]);
    expect(summary.engine.per_worker!.reduce((sum, w) => sum + w.requests, 0)).toBe(120);
    for (const w of summary.engine.per_worker!) expect(w).toMatchObject({ local: true, installs: 20, requests: 60, operations: 40, connections: 20 });
    expect(first.summary.engine).toMatchObject({ name: 'native', workers: 1 });

    const keys = ['latency_median', 'latency_p95', 'latency_p99'] as const;
    const noise = Object.fromEntries(keys.map((k) => [k, Math.abs(first.summary[k]! - second.summary[k]!)]));
    const gap = Object.fromEntries(keys.map((k) => [k, Math.abs(summary[k]! - (first.summary[k]! + second.summary[k]!) / 2)]));
    console.log(`native ${keys.map((k) => `${k} ${first.summary[k]!.toFixed(1)}/${second.summary[k]!.toFixed(1)}`).join(', ')}; locust ${keys.map((k) => `${k} ${summary[k]!.toFixed(1)}`).join(', ')}; noise ${JSON.stringify(noise)} gap ${JSON.stringify(gap)}`);
  });
});
