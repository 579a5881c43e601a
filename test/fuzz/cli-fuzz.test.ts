/**
 * Fuzz at the command line: the bad and extreme inputs of issue 17, one case of each class, as a user runs
 * them (`node bin/run.js`, compiled by `npm test`). Every case is bounded in time (killed after BOUND_MS),
 * asserts the exit code and the first line of stderr (or, for the cases that must succeed, the first line
 * of stdout), and the whole set leaves an earlier run's results byte for byte as they were. The cases run
 * concurrently (the CLI's start-up dominates); what the library does on its own is fuzzed in the other
 * files of test/fuzz/.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runValidation } from '../../src/live/run-validation.js';
import { LOCK_FILE } from '../../src/output/output-directory.js';
import type { CliResult } from '../cli/run-cli.js';
import { oneBurst } from '../live/helpers/scenario.js';
import { startTinyIndex, type TinyIndex } from '../live/helpers/tiny-index.js';
import { runCliAsync } from '../plan/run-cli-async.js';
import { albLogLine, writeLog } from '../scenario/import/alb-log-writer.js';
import { callsOf, PIP_UA } from '../scenario/import/install-calls.js';
import { snapshot } from './snapshot.js';

/**
 * A case still running after this long is killed and fails: the bound that catches a hang. Each case takes
 * a few seconds on a quiet machine (well within the issue's 30 s); the bound leaves room for other
 * engineers' builds on the same cores, since speed is measured in bench/, not asserted here.
 */
const BOUND_MS = 90_000;
const root = mkdtempSync(path.join(tmpdir(), 'capsim-cli-fuzz-'));
const earlier = path.join(root, 'earlier');
const at = (...parts: string[]) => path.join(root, ...parts);
let index: TinyIndex;
let garbage: TinyIndex;
let held: TinyIndex | undefined;
let before: Record<string, string>;

function scenarioFile(name: string, scenario: ReturnType<typeof oneBurst>): string {
  const { source: _source, ...data } = scenario;
  const file = at(`${name}.json`);
  writeFileSync(file, JSON.stringify(data));
  return file;
}

function replayFile(name: string, offsets: string): string {
  writeFileSync(at(`${name}.txt`), offsets);
  const file = at(`${name}.json`);
  const client = { timeoutSeconds: 30, retries: 0, backoffFactorSeconds: 0, retryStatuses: [], keepAlive: true };
  const repository = { projects: 100, versionsPerProject: 3, wheelBytes: 50000, versionPick: 'latest' };
  writeFileSync(file, JSON.stringify({ name, flow: 'seed-tool', profile: { executor: 'replay', file: `${name}.txt`, timeScale: 1 }, client, repository }));
  return file;
}

/** A replay with a flow mix: each offset may name its install's kind (seed-tool or pip). */
function mixedReplay(name: string, offsets: string): string {
  const file = replayFile(name, offsets);
  const scenario = JSON.parse(readFileSync(file, 'utf8'));
  scenario.flowMix = [
    { name: 'seed-tool', flow: 'seed-tool', share: 0.5 },
    { name: 'pip', flow: 'pip-root-index', share: 0.5 },
  ];
  writeFileSync(file, JSON.stringify(scenario));
  return file;
}

beforeAll(async () => {
  index = await startTinyIndex();
  // Discovery reads real pages; every page of the load is 200 with something that is not an index page.
  garbage = await startTinyIndex({ fault: (p) => (p.startsWith('/simple/') ? 'garbage' : undefined) });
  // An earlier run, and the other results a user keeps: none of the cases may change a byte of them.
  mkdirSync(earlier);
  await runValidation({ url: index.url, scenario: oneBurst('pip-root-index', 4), outDir: path.join(earlier, 'run'), progress: false, log: () => undefined });
  writeFileSync(path.join(earlier, 'sizing.auto.tfvars'), 'asg_instance_type = "c6a.xlarge"\n');
  mkdirSync(path.join(earlier, 'csv'));
  writeFileSync(path.join(earlier, 'csv', 'headline.csv'), 'metric,value\nerror_rate,0.0005\n');
  writeFileSync(path.join(earlier, 'report.html'), '<!doctype html><title>earlier</title>\n');
  writeFileSync(at('a-file'), 'not a directory\n');
  // An earlier import's scenario and replay (a later import must not replace them without --force).
  writeFileSync(path.join(earlier, 'imported.json'), '{"name": "imported"}\n');
  writeFileSync(path.join(earlier, 'imported.offsets'), '0\n1.5\n');
  // ALB logs: one install, and two installs two days apart (a replay longer than a run).
  const install = (startMs: number) => callsOf({ client: '10.9.0.11', userAgent: PIP_UA, flow: 'pip-root-index', project: 'pkg-001', startMs }, ['10.0.1.10:8080']);
  const day = Date.UTC(2025, 5, 3, 10, 0, 0);
  mkdirSync(at('alb-one'));
  writeLog(at('alb-one', 'one.log'), install(day).map(albLogLine));
  mkdirSync(at('alb-two-days'));
  writeLog(at('alb-two-days', 'two-days.log'), [...install(day), ...install(day + 2 * 86_400_000)].map(albLogLine));
  writeFileSync(at('request-count.csv'), 'timestamp,value\n2025-06-03T10:00:00Z,120\n2025-06-03T10:01:00Z,600\n');
  before = snapshot(earlier);
}, 120_000);

afterAll(async () => {
  await Promise.all([index?.close(), garbage?.close(), held?.close()]);
  rmSync(root, { recursive: true, force: true });
});

interface Case {
  name: string;
  args: () => string[];
  code: number;
  /** The first line of stderr (or of stdout with `stdout: true`). */
  first: RegExp;
  stdout?: boolean;
}

const small = () => scenarioFile('small', oneBurst('pip-root-index', 4));
const run = () => path.join(earlier, 'run');
const SLO = ['--slo-error-rate', '5%', '--slo-p95-ms', '60000'];
const TINY_PLAN = ['plan', ...SLO, '--instance', 'c6a.large', '--max-instances', '1', '--workers', '2', '--scenario', 'SMALL', '--replications', '2'];
const plan = (...extra: string[]) => () => [...TINY_PLAN.map((a) => (a === 'SMALL' ? small() : a)), ...extra];
const INCIDENT_HOST = ['--instance', 't3.micro', '--tasks', '2', '--workers', '2', '--container-memory', '128', '--set', 'memory.swapMb=2047'];

const CASES: Case[] = [
  // 1. Hangs: bounds on every input.
  { name: 'predict --set service.requestCpuMs=1e12', args: () => ['predict', '--set', 'service.requestCpuMs=1e12'], code: 2, first: /^capsim: --set: parameter "service\.requestCpuMs" must be between 0 and 1000 ms \(got 1000000000000\)$/ },
  { name: 'predict --set alb.healthIntervalS=0', args: () => ['predict', '--set', 'alb.healthIntervalS=0'], code: 2, first: /^capsim: --set: parameter "alb\.healthIntervalS" must be between 5 and 300 s \(got 0\)$/ },
  {
    name: 'predict on the incident host --set storage.nfsThroughputMBps=0',
    args: () => ['predict', ...INCIDENT_HOST, '--set', 'storage.nfsThroughputMBps=0'],
    code: 2,
    first: /^capsim: --set: parameter "storage\.nfsThroughputMBps" must be between 1 and 10000 MB\/s \(got 0\)$/,
  },
  { name: 'predict a replay with an offset of 1e9 s', args: () => ['predict', '--scenario', replayFile('late', '0\n1e9\n')], code: 2, first: /^capsim: replay file .*late\.txt: entry 2 must be a number of seconds from 0 to 86400 \(24 h, the longest run\), got "1e9"$/ },
  // 2. Runaway resources: caps with the cap in the message, threads lowered with a note.
  { name: 'verify --replications 100000', args: () => ['verify', '--replications', '100000'], code: 2, first: /^capsim: --replications must be between 1 and 1000, got 100000$/ },
  { name: 'predict --replications 100000', args: () => ['predict', '--replications', '100000'], code: 2, first: /^capsim: --replications must be between 1 and 1000, got 100000$/ },
  {
    name: 'plan --threads 256',
    args: plan('--threads', '256'),
    code: 0,
    first: availableParallelism() < 256 ? new RegExp(`^capsim: --threads 256 lowered to ${availableParallelism()}, this machine's cores`) : /^$/,
  },
  // 3. Lost or corrupted results: refused before any work, earlier results untouched.
  { name: 'validate --out-dir /proc/x', args: () => ['validate', '--url', index.url, '--scenario', small(), '--out-dir', '/proc/capsim-x'], code: 2, first: /^capsim: cannot write --out-dir \/proc\/capsim-x: nothing can be created in \/proc: / },
  { name: 'validate --out-dir over an earlier run', args: () => ['validate', '--url', index.url, '--scenario', small(), '--out-dir', run(), '--csv', path.join(earlier, 'csv')], code: 2, first: /^capsim: --out-dir .*\/run already holds results \(requests\.ndjson, summary\.json, summary\.md\): choose a new directory, or pass --force to replace them$/ },
  { name: 'validate --out-dir a regular file', args: () => ['validate', '--url', index.url, '--scenario', small(), '--out-dir', at('a-file')], code: 2, first: /^capsim: --out-dir .*a-file is a file, not a directory$/ },
  { name: 'plan --tfvars under /proc', args: plan('--tfvars', '/proc/capsim.tfvars'), code: 2, first: /^capsim: cannot write --tfvars \/proc\/capsim\.tfvars: nothing can be created in \/proc/ },
  { name: 'plan --tfvars a directory', args: plan('--tfvars', earlier), code: 2, first: /^capsim: --tfvars .*earlier is a directory; give a file name$/ },
  { name: 'predict --csv a regular file', args: () => ['predict', '--csv', at('a-file')], code: 2, first: /^capsim: --csv .*a-file is a file, not a directory$/ },
  { name: 'predict --report under a regular file', args: () => ['predict', '--report', path.join(at('a-file'), 'r.html')], code: 2, first: /^capsim: --report .*: .*a-file is a file, not a directory$/ },
  { name: 'report --out under /proc', args: () => ['report', run(), '--out', '/proc/capsim.html'], code: 2, first: /^capsim: cannot write --out \/proc\/capsim\.html: nothing can be created in \/proc/ },
  // 4. Headlines that match the records.
  { name: 'predict --replications 1', args: () => ['predict', '--scenario', small(), '--replications', '1'], code: 0, first: /^2 x c6a\.xlarge \(4 vCPU, 8192 MiB\), 12 tasks/, stdout: true },
  { name: 'predict an empty replay', args: () => ['predict', '--scenario', replayFile('empty', '# nothing in it\n')], code: 2, first: /^capsim: replay file .*empty\.txt holds no start offsets: a replay needs at least one install$/ },
  { name: 'predict --instances 1000 --tasks 12', args: () => ['predict', '--instances', '1000', '--tasks', '12'], code: 2, first: /^capsim: 12 tasks place on 12 of 1000 x c6a\.xlarge: 988 instances would run nothing and still be priced: give --instances 12 or fewer, or --allow-idle-instances$/ },
  // 5. Flags silently ignored or accepted.
  { name: 'predict --instance c6a.xlarge --vcpus 64', args: () => ['predict', '--instance', 'c6a.xlarge', '--vcpus', '64'], code: 2, first: /^capsim: --vcpus does not apply: it describes --instance custom; c6a\.xlarge has its vCPUs in models\/instances\.json$/ },
  { name: 'validate --instance c9.huge', args: () => ['validate', '--url', index.url, '--dry-run', '--instance', 'c9.huge'], code: 2, first: /^capsim: unknown instance type "c9\.huge"; closest: / },
  { name: '--set X=1 --set X=3', args: () => ['predict', '--set', 'service.requestCpuMs=1', '--set', 'service.requestCpuMs=3'], code: 2, first: /^capsim: --set names service\.requestCpuMs twice \(service\.requestCpuMs=1 and service\.requestCpuMs=3\): give each once$/ },
  { name: 'a seed above 2^53', args: () => ['predict', '--seed', '9007199254740993'], code: 2, first: /^capsim: --seed must be between 0 and 2147483647, got 9007199254740993$/ },
  // The same classes in the autoscaling flags and parameters (issue 14).
  { name: 'predict --autoscaling off --scale-target 70', args: () => ['predict', '--autoscaling', 'off', '--scale-target', '70'], code: 2, first: /^capsim: --scale-target does not apply: autoscaling is off \(--autoscaling off\)$/ },
  {
    name: 'predict on the local stack --max-tasks 4',
    args: () => ['predict', '--instance', 'custom', '--vcpus', '2', '--memory-gb', '4', '--tasks', '1', '--workers', '2', '--max-tasks', '4'],
    code: 2,
    first: /^capsim: --max-tasks does not apply: a custom machine \(the local stack\) has no ECS service to scale$/,
  },
  { name: 'plan --autoscaling off --scale-metric memory', args: plan('--autoscaling', 'off', '--scale-metric', 'memory'), code: 2, first: /^capsim: --scale-metric does not apply: autoscaling is off \(--autoscaling off\)$/ },
  { name: 'predict --scale-target 150', args: () => ['predict', '--scale-target', '150'], code: 2, first: /^capsim: --scale-target must be above 0 and at most 100 \(% of the reservation, for metric cpu\), got 150$/ },
  { name: 'predict --min-tasks 5 --max-tasks 2', args: () => ['predict', '--min-tasks', '5', '--max-tasks', '2'], code: 2, first: /^capsim: max tasks 2 \(--max-tasks\) is below min tasks 5 \(--min-tasks\)$/ },
  { name: 'predict --set autoscaling.metricPeriodS=0', args: () => ['predict', '--set', 'autoscaling.metricPeriodS=0'], code: 2, first: /^capsim: --set: parameter "autoscaling\.metricPeriodS" must be between 1 and 3600 s \(got 0\)$/ },
  { name: 'predict --set capacity.instanceBootS=1e9', args: () => ['predict', '--set', 'capacity.instanceBootS=1e9'], code: 2, first: /^capsim: --set: parameter "capacity\.instanceBootS" must be between 1 and 3600 s \(got 1000000000\)$/ },
  // ... and in the traffic import (issue 18): outputs checked first, flags of the other source refused, bounds before writing.
  { name: 'scenario import --out under /proc', args: () => ['scenario', 'import', '--alb-logs', at('alb-one'), '--out', '/proc/capsim.json'], code: 2, first: /^capsim: cannot write --out \/proc\/capsim\.(json|offsets): nothing can be created in \/proc/ },
  { name: 'scenario import --out over an earlier import', args: () => ['scenario', 'import', '--alb-logs', at('alb-one'), '--out', path.join(earlier, 'imported.json')], code: 2, first: /^capsim: .*earlier\/imported\.json exists; give --force to replace it$/ },
  {
    name: 'scenario import of a replay longer than a run',
    args: () => ['scenario', 'import', '--alb-logs', at('alb-two-days'), '--out', at('two-days.json')],
    code: 2,
    first: /^capsim: --out .*two-days\.json: the load lasts longer than 86400 s \(24 h\), the longest run: cut one busy period with --busiest \(e\.g\. 10m\) or --from\/--to$/,
  },
  { name: 'scenario import --cloudwatch --busiest 10m', args: () => ['scenario', 'import', '--cloudwatch', at('request-count.csv'), '--busiest', '10m'], code: 2, first: /^capsim: --busiest does not apply: it selects or shows ALB log requests \(--alb-logs\); a CloudWatch export has only counts per period$/ },
  { name: 'scenario import --alb-logs --within-minute uniform', args: () => ['scenario', 'import', '--alb-logs', at('alb-one'), '--within-minute', 'uniform'], code: 2, first: /^capsim: --within-minute does not apply: it shapes a CloudWatch import/ },
  { name: 'scenario import --busiest 0m', args: () => ['scenario', 'import', '--alb-logs', at('alb-one'), '--busiest', '0m'], code: 2, first: /^capsim: --busiest / },
  { name: 'predict a flow-mix replay past 24 h', args: () => ['predict', '--scenario', mixedReplay('late-mix', '0 seed-tool\n90000 pip\n')], code: 2, first: /^capsim: replay file .*late-mix\.txt: entry 2 must be a number of seconds from 0 to 86400 \(24 h, the longest run\), got "90000"; after it, optionally, one of / },
];

/** Runs `cases` at most `parallel` at a time. */
async function runAll<T>(items: T[], parallel: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(Array.from({ length: parallel }, async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
  }));
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? '';
}

/** The garbage server's run: validate against pages that list nothing. */
async function garbageRun(): Promise<{ result: CliResult; out: string }> {
  const out = at('garbage-run');
  const result = await runCliAsync(['validate', '--url', garbage.url, '--scenario', scenarioFile('garbage', oneBurst('pip-root-index', 6)), '--out-dir', out], BOUND_MS);
  return { result, out };
}

/**
 * Two validates into one --out-dir: the first's load is held (its index answers nothing of the load) until the
 * second, started once the first holds the directory, has ended; then the first finishes.
 */
async function sharedRuns(): Promise<{ first: CliResult; second: CliResult; out: string }> {
  const out = at('shared-run');
  let open: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => {
    open = () => resolve();
  });
  held = await startTinyIndex({ gate });
  const scenario = scenarioFile('shared', oneBurst('pip-root-index', 4, { timeoutSeconds: 120 }));
  const first = runCliAsync(['validate', '--url', held.url, '--scenario', scenario, '--out-dir', out], 2 * BOUND_MS);
  const deadline = Date.now() + BOUND_MS;
  while (!existsSync(path.join(out, LOCK_FILE)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  try {
    const second = await runCliAsync(['validate', '--url', index.url, '--scenario', scenario, '--out-dir', out], BOUND_MS);
    open();
    return { first: await first, second, out };
  } finally {
    open();
  }
}

describe('the inputs of issue 17 at the command line: one line and exit 2, or a correct bounded result', () => {
  const results = new Map<string, CliResult & { ms: number }>();
  let garbaged: Awaited<ReturnType<typeof garbageRun>>;
  let shared: Awaited<ReturnType<typeof sharedRuns>>;

  beforeAll(async () => {
    // Everything at once: the live runs mostly wait on the network, the cases on the CLI's start-up.
    const cases = runAll(CASES, 2, async (c) => {
      const started = performance.now();
      const result = await runCliAsync(c.args(), BOUND_MS);
      results.set(c.name, { ...result, ms: performance.now() - started });
    });
    [garbaged, shared] = await Promise.all([garbageRun(), sharedRuns(), cases]);
  }, 300_000);

  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const result = results.get(c.name)!;
    expect(result.ms, 'killed: still running after BOUND_MS').toBeLessThan(BOUND_MS);
    expect(firstLine(c.stdout ? result.stdout : result.stderr)).toMatch(c.first);
    expect(result.code).toBe(c.code);
    if (c.code === 2) expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('a refused import writes nothing: no scenario, no replay, no temporary file', () => {
    expect(existsSync(at('two-days.json'))).toBe(false);
    expect(existsSync(at('two-days.offsets'))).toBe(false);
    expect(readdirSync(root).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(existsSync('/proc/capsim.json')).toBe(false);
  });

  it('one replication prints no interval', () => {
    expect(results.get('predict --replications 1')!.stdout).toContain('1 replication: no interval');
  });

  it('validate against a server that answers 200 with garbage: the headline counts the installs whose file was not found', () => {
    const { result, out } = garbaged;
    expect(result.code).toBe(0);
    const s = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8'));
    expect(s.installs).toMatchObject({ started: 6, ok: 0, failed: 6 });
    expect(s.failed_requests).toBe(6);
    expect(s.operations.download).toMatchObject({ total_requests: 6, failed_requests: 6 });
    expect(s.error_samples[0]).toMatchObject({ operation: 'download', error_class: 'no_file' });
    expect(firstLine(result.stdout)).toBe(`12 operations (12 HTTP requests), 6 failed: error rate 50.00 %, P95 ${Math.round(s.latency_p95)} ms, 0 5xx`);
    expect(readFileSync(path.join(out, 'summary.md'), 'utf8')).toMatch(/50\.00 %/);
  });

  it('two validates into one --out-dir: the second stops at once naming the first; the first keeps every record', () => {
    const { first, second, out } = shared;
    expect(second.code).toBe(2);
    expect(firstLine(second.stderr)).toMatch(/^capsim: --out-dir .*shared-run is in use by another capsim run \(pid \d+, started \d{4}-\d\d-\d\dT[\d:.]+Z\): wait for it to finish or choose another directory$/);
    expect(first.code).toBe(0);
    const lines = readFileSync(path.join(out, 'requests.ndjson'), 'utf8').trim().split('\n');
    const summary = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8'));
    expect(lines.map((line) => JSON.parse(line))).toHaveLength(summary.http_requests);
    expect(existsSync(path.join(out, LOCK_FILE))).toBe(false);
  });

  it('left every earlier result byte for byte as it was', () => {
    expect(snapshot(earlier)).toEqual(before);
  });
});
