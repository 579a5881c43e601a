// The validate command as users run it: `node bin/run.js validate ...` (compiled by `npm test`'s tsc).
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { oneBurst } from './helpers/scenario.js';
import { startTinyIndex, type TinyIndex } from './helpers/tiny-index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'capsim-cli-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function capsim(args: string[], options: { env?: Record<string, string>; interruptWhenRecorded?: string; signals?: number } = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(root, 'bin/run.js'), ...args], {
      cwd: root,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    let poll: NodeJS.Timeout | undefined;
    if (options.interruptWhenRecorded !== undefined) {
      // Interrupt mid-burst: as soon as the first requests are on disk.
      const file = options.interruptWhenRecorded;
      poll = setInterval(() => {
        let text = '';
        try {
          text = readFileSync(file, 'utf8');
        } catch {
          return;
        }
        if (text.split('\n').length > 5) {
          clearInterval(poll);
          child.kill('SIGINT');
          // A second (and further) SIGINT while stopping, 50 ms apart.
          for (let n = 1; n < (options.signals ?? 1); n++) setTimeout(() => child.kill('SIGINT'), 50 * n);
        }
      }, 20);
    }
    child.on('close', (code) => {
      clearInterval(poll);
      resolve({ code, stdout, stderr });
    });
  });
}

async function index(options: Parameters<typeof startTinyIndex>[0] = {}): Promise<TinyIndex> {
  const server = await startTinyIndex(options);
  cleanups.push(() => server.close());
  return server;
}

function scenarioFile(dir: string, scenario: ReturnType<typeof oneBurst>): string {
  const file = path.join(dir, 'scenario.json');
  const { source: _source, ...data } = scenario;
  writeFileSync(file, JSON.stringify(data));
  return file;
}

describe('capsim validate (CLI)', () => {
  it('refuses a non-loopback target without --yes in one line', async () => {
    const run = await capsim(['validate', '--url', 'https://user:hunter2@pypi.example.com/', '--scenario', 'pip-burst']);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toEqual([
      'capsim: refusing to send a load burst to pypi.example.com, which is not loopback: pass --yes to confirm you may load this service',
    ]);
    expect(run.stderr).not.toContain('hunter2');
  });

  it('fails fast on an unreachable URL in one line', async () => {
    const started = Date.now();
    const run = await capsim(['validate', '--url', 'http://127.0.0.1:9/', '--scenario', 'pip-burst', '--out-dir', path.join(tempDir(), 'out')]);
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe('capsim: cannot reach http://127.0.0.1:9/: connection refused');
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('rejects nonsense sizing in one line', async () => {
    const cases = [
      ['--tasks', '0', '--tasks: expected a whole number >= 1, got "0"'],
      ['--workers', '-2', '--workers: expected a whole number >= 1, got "-2"'],
      // The same values, and oclif's message, as predict's --worker-class and --algorithm.
      ['--worker-class', 'eventlet', 'Expected --worker-class=eventlet to be one of: gevent, sync'],
      ['--algorithm', 'random', 'Expected --algorithm=random to be one of: round_robin, least_outstanding_requests, least_conn'],
      ['--instance', 'custom', '--instance custom needs --vcpus N and --memory-gb M'],
    ];
    const awsCases = [
      [['--cluster', 'pypi'], '--cluster and --service go together (the ECS service and its cluster)'],
      [['--target-group-arn', 'pypiserver'], '--target-group-arn: expected arn:aws:elasticloadbalancing:REGION:ACCOUNT:targetgroup/NAME/ID, got "pypiserver"'],
      [['--cluster', 'pypi', '--service', 'pypiserver'], '--target-group-arn and --cluster/--service need --region (or AWS_REGION)'],
    ] as const;
    const noRegion = { AWS_REGION: '', AWS_DEFAULT_REGION: '' };
    const awsRuns = await Promise.all(awsCases.map(([args]) => capsim(['validate', '--url', 'http://127.0.0.1:9/', ...args], { env: noRegion })));
    awsRuns.forEach((run, i) => {
      expect(run.code).toBe(2);
      expect(run.stderr.trim()).toBe(`capsim: ${awsCases[i][1]}`);
    });
    const runs = await Promise.all(cases.map(([flag, value]) => capsim(['validate', '--url', 'http://127.0.0.1:9/', flag, value])));
    runs.forEach((run, i) => {
      expect(run.code).toBe(2);
      expect(run.stderr.trim()).toBe(`capsim: ${cases[i][2]}`);
    });
  });

  it('bad project input stops before any load, in one line with exit 2 (--projects, --requirements, the index\'s list)', async () => {
    const server = await index();
    const text = await index({ listing: 'text' });
    const empty = await index({ listing: 'empty' });
    const dir = tempDir();
    const scenario = scenarioFile(dir, oneBurst('pip-root-index', 5));
    const [missingFile, missingProject, notAnIndex, nothingListed, zero, million, tooMany] = await Promise.all([
      capsim(['validate', '--url', server.url, '--scenario', scenario, '--projects', '@missing-file', '--out-dir', path.join(dir, 'a')]),
      capsim(['validate', '--url', server.url, '--scenario', scenario, '--projects', 'demo-001,no-such-project', '--out-dir', path.join(dir, 'b')]),
      capsim(['validate', '--url', text.url, '--scenario', scenario, '--out-dir', path.join(dir, 'c')]),
      capsim(['validate', '--url', empty.url, '--scenario', scenario, '--out-dir', path.join(dir, 'd')]),
      capsim(['validate', '--url', server.url, '--scenario', scenario, '--requirements', '0', '--out-dir', path.join(dir, 'e')]),
      capsim(['validate', '--url', server.url, '--scenario', scenario, '--requirements', '1000000', '--out-dir', path.join(dir, 'f')]),
      capsim(['validate', '--url', server.url, '--scenario', scenario, '--requirements', '11', '--out-dir', path.join(dir, 'g')]),
    ]);
    expect(missingFile.stderr.trim()).toBe('capsim: --projects @missing-file: file missing-file does not exist');
    expect(missingProject.stderr.trim()).toBe('capsim: --projects: "no-such-project" is not on the index: GET /simple/no-such-project/ answered 303 to https://pypi.org/simple/no-such-project/ (another host)');
    expect(notAnIndex.stderr.trim()).toBe(`capsim: GET ${text.url}simple/ answered Content-Type "text/plain": neither a PEP 691 JSON nor a PEP 503 HTML index page`);
    expect(nothingListed.stderr.trim()).toBe(`capsim: the index at ${empty.url} lists no projects on ${empty.url}simple/: nothing to install`);
    expect(zero.stderr.trim()).toBe('capsim: --requirements must be a whole number of projects per install from 1 to 1000, got 0');
    expect(million.stderr.trim()).toBe('capsim: --requirements must be a whole number of projects per install from 1 to 1000, got 1000000');
    expect(tooMany.stderr.trim()).toBe('capsim: --requirements 11: an install fetches that many different projects, and the index offers 10');
    for (const run of [missingFile, missingProject, notAnIndex, nothingListed, zero, million, tooMany]) {
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
    }
    // Nothing of the load was sent: no install's request reached an index, and no run directory was written.
    for (const s of [server, text, empty]) expect(s.seen.filter((r) => /^\/demo-\d+\/$/.test(r.path) || (r.method === 'GET' && r.path.startsWith('/packages/')))).toEqual([]);
    expect(readdirSync(dir).sort()).toEqual(['scenario.json']);
  });

  it('--dry-run prints the plan and totals and sends nothing', async () => {
    const server = await index();
    const run = await capsim(['validate', '--url', server.url, '--scenario', 'production-incident', '--dry-run', '--json']);
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout) as { plan: { totals: { installs: number; operations: number; httpRequests: number } } };
    // 30 iterations: 5 bursts of 510, 25 of 3
    expect(out.plan.totals).toMatchObject({ installs: 5 * 510 + 25 * 3, operations: 3 * (5 * 510 + 25 * 3), httpRequests: 4 * (5 * 510 + 25 * 3) });
    expect(server.seen).toHaveLength(0);
  });

  it('records the declared sizing and keeps CAPSIM_PASSWORD out of every output', async () => {
    const server = await index();
    const dir = tempDir();
    const out = path.join(dir, 'out');
    const password = 'correct-horse-battery-staple';
    const run = await capsim(
      ['validate', '--url', server.url, '--scenario', scenarioFile(dir, oneBurst('pip-root-index', 6)), '--username', 'ci', '--out-dir', out,
        '--instance', 'c6a.xlarge', '--instances', '2', '--tasks', '12', '--workers', '4', '--worker-class', 'gevent', '--algorithm', 'round_robin', '--json'],
      { env: { CAPSIM_PASSWORD: password } },
    );
    expect(run.code).toBe(0);
    const token = Buffer.from(`ci:${password}`).toString('base64');
    expect(server.seen.length).toBeGreaterThan(0);
    expect(server.seen.every((r) => r.headers.authorization === `Basic ${token}`)).toBe(true);
    const texts = [run.stdout, run.stderr, ...readdirSync(out).map((f) => readFileSync(path.join(out, f), 'utf8'))];
    for (const text of texts) {
      expect(text).not.toContain(password);
      expect(text).not.toContain(token);
    }
    const summary = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8'));
    expect(summary.sizing).toEqual({ instance: 'c6a.xlarge', instances: 2, tasks: 12, workers: 4, workerClass: 'gevent', algorithm: 'round_robin' });
    expect(summary.total_requests).toBe(12);
  });

  it('SIGINT mid-burst leaves a parseable ndjson and a summary marked interrupted (exit 130)', async () => {
    const server = await index({ delayMs: 300 });
    const dir = tempDir();
    const out = path.join(dir, 'out');
    const run = await capsim(['validate', '--url', server.url, '--scenario', scenarioFile(dir, oneBurst('seed-tool', 50)), '--out-dir', out], {
      // While the run lasts, requests stream to requests.ndjson.partial (renamed into place when it ends).
      interruptWhenRecorded: path.join(out, 'requests.ndjson.partial'),
    });
    expect(run.code).toBe(130);
    expect(run.stderr).toContain('capsim: interrupted');
    const lines = readFileSync(path.join(out, 'requests.ndjson'), 'utf8').split('\n').filter((l) => l.length > 0);
    const records = lines.map((line) => JSON.parse(line));
    const summary = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8'));
    expect(summary.interrupted).toBe(true);
    expect(summary.interrupt_reason).toBe('signal');
    expect(records.length).toBe(summary.http_requests);
    expect(records.length).toBeLessThan(200);
    expect(readFileSync(path.join(out, 'summary.md'), 'utf8')).toContain('**Interrupted**');
  });

  it('a second SIGINT while stopping stops at once and still writes every result file (exit 130)', async () => {
    const server = await index({ delayMs: 2000 });
    const dir = tempDir();
    const out = path.join(dir, 'out');
    const run = await capsim(['validate', '--url', server.url, '--scenario', scenarioFile(dir, oneBurst('seed-tool', 50)), '--out-dir', out, '--json'], {
      // requests stream to requests.ndjson.partial while the run lasts; the final name appears only at the end.
      interruptWhenRecorded: path.join(out, 'requests.ndjson.partial'),
      signals: 2,
    });
    expect(run.code, run.stderr).toBe(130);
    expect(run.stderr).toContain('stopping now');
    const summary = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8'));
    expect(summary).toMatchObject({ interrupted: true, interrupt_reason: 'signal' });
    expect(readFileSync(path.join(out, 'summary.md'), 'utf8')).toContain('**Interrupted**');
    const records = readFileSync(path.join(out, 'requests.ndjson'), 'utf8').split('\n').filter((l) => l.length > 0).map((line) => JSON.parse(line));
    expect(records.length).toBe(summary.http_requests);
    expect(JSON.parse(run.stdout)).toMatchObject({ interrupted: true });
  });
});
