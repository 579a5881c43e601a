import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const quick = ['--replications', '2', '--duration', '70'];

describe('capsim predict', () => {
  it('prints the JSON fields users script against', () => {
    const r = runCli(['predict', '--instance', 'c6a.xlarge', '--tasks', '12', '--workers', '4', '--json', '--timeline', ...quick]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const p = JSON.parse(r.stdout);
    expect(p.config).toMatchObject({ instanceType: 'c6a.xlarge', instances: 2, tasks: 12, tasksPerInstance: [6, 6], workers: 4, workerClass: 'gevent', algorithm: 'round_robin' });
    expect(p.scenario.name).toBe('production-incident');
    expect(p.replications).toBe(2);
    expect(p.seed).toBe(1);
    expect(p.operations.mean).toBeGreaterThan(0);
    for (const key of ['mean', 'ciLow', 'ciHigh']) {
      expect(typeof p.errorRate[key]).toBe('number');
      for (const q of ['p50', 'p95', 'p99']) expect(typeof p.latencyMs[q][key]).toBe('number');
    }
    expect(p.latencyMs.p50.mean).toBeLessThanOrEqual(p.latencyMs.p95.mean);
    expect(p.latencyMs.p95.mean).toBeLessThanOrEqual(p.latencyMs.p99.mean);
    expect(typeof p.latencyAllMs.p95.mean).toBe('number');
    for (const cause of ['clientTimeout', 'connectionError', 'http502', 'http503', 'http504']) expect(typeof p.failures[cause].mean).toBe('number');
    expect(typeof p.http5xx.mean).toBe('number');
    expect(p.maxTargetShare.mean).toBeGreaterThanOrEqual(1 / 12 - 1e-9);
    expect(p.instances).toHaveLength(2);
    for (const i of p.instances) {
      for (const key of ['cpuUtilPeak', 'iowaitPeak', 'memAvailableMinMb', 'swapUsedMaxMb', 'pageCacheHitRate']) expect(typeof i[key]).toBe('number');
    }
    expect(p.costPerMonthUsd).toBeGreaterThan(200);
    expect(p.timeline.length).toBeGreaterThan(60);
    expect(Object.keys(p.timeline[0]).sort()).toEqual(['errors', 'requests', 'responses', 't']);
  });

  it('gives byte-identical JSON for the same seed, and other samples for another seed', () => {
    const args = ['predict', '--instance', 't3.small', '--instances', '2', '--tasks', '4', '--workers', '1', '--json', ...quick];
    const a = runCli([...args, '--seed', '9']);
    const b = runCli([...args, '--seed', '9']);
    const c = runCli([...args, '--seed', '10']);
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    expect(JSON.parse(c.stdout).latencyMs.p95.mean).not.toBe(JSON.parse(a.stdout).latencyMs.p95.mean);
  });

  it('prints a human summary with intervals, failures, instances and cost', () => {
    const r = runCli(['predict', '--instance', 'c6a.xlarge', '--tasks', '12', '--workers', '4', ...quick]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/error rate .*%.*\.\./);
    expect(r.stdout).toMatch(/P95 \(successful ops\)/);
    expect(r.stdout).toMatch(/failures: client timeout/);
    expect(r.stdout).toMatch(/c6a\.xlarge#1/);
    expect(r.stdout).toMatch(/cost: \d+\.\d\d USD per month/);
  });

  it('--stickiness and --cookies change what is simulated and say so in the result', () => {
    const json = (args: string[]) => JSON.parse(runCli(['predict', ...args, '--replications', '1', '--duration', '20', '--json']).stdout);
    const deployed = json([]);
    expect(deployed.config.stickiness).toBe(true);
    expect(deployed.scenario.client.cookies).toBe('shared');
    expect(json(['--stickiness', 'off']).config.stickiness).toBe(false);
    expect(json(['--cookies', 'per-install']).scenario.client.cookies).toBe('per-install');
    expect(json(['--instance', 'custom', '--vcpus', '1', '--memory-gb', '4', '--tasks', '2', '--workers', '1', '--stickiness', 'on']).config).toMatchObject({ balancer: 'nginx', stickiness: true });
  });

  const dir = mkdtempSync(join(tmpdir(), 'capsim-predict-'));
  const malformed = join(dir, 'broken.json');
  writeFileSync(malformed, '{ "name": "x", ');
  const badCookies = join(dir, 'bad-cookies.json');
  writeFileSync(badCookies, JSON.stringify({ name: 'x', flow: 'seed-tool', profile: { executor: 'constant-arrival-rate', installsPerSecond: 1, durationSeconds: 10 }, client: { timeoutSeconds: 30, retries: 0, backoffFactorSeconds: 0, retryStatuses: [], keepAlive: true, cookies: 3 }, repository: { projects: 1, versionsPerProject: 1, wheelBytes: 1, versionPick: 'latest' } }));
  const wrongField = join(dir, 'wrong.json');
  writeFileSync(wrongField, JSON.stringify({ name: 'x', flow: 'seed-tool', profile: { executor: 'constant-arrival-rate', installsPerSecond: -1, durationSeconds: 10 }, client: { timeoutSeconds: 30, retries: 0, backoffFactorSeconds: 0, retryStatuses: [], keepAlive: true }, repository: { projects: 1, versionsPerProject: 1, wheelBytes: 1, versionPick: 'latest' } }));

  for (const [label, args, pattern] of [
    ['unknown instance', ['--instance', 'c6a.xlrage'], /unknown instance type "c6a\.xlrage".*c6a\.xlarge/],
    ['zero tasks', ['--tasks', '0'], /--tasks must be/],
    ['negative workers', ['--workers', '-1'], /--workers must be/],
    ['placement that does not fit', ['--instance', 't3.small', '--instances', '1', '--tasks', '12'], /cannot place 12 tasks on 1 x t3\.small.*CPU/],
    ['missing scenario', ['--scenario', 'no-such-scenario'], /unknown scenario "no-such-scenario"/],
    ['malformed scenario file', ['--scenario', malformed], /is not valid JSON/],
    ['scenario field out of range', ['--scenario', wrongField], /profile: field "installsPerSecond" must be/],
    ['unknown algorithm', ['--algorithm', 'random'], /algorithm/],
    ['unknown parameter', ['--set', 'alb.nope=1'], /unknown parameter "alb\.nope"/],
    ['stickiness that is neither on nor off', ['--stickiness', 'maybe'], /--stickiness=maybe to be one of: on, off/],
    ['an unknown cookie scope', ['--cookies', 'jar'], /--cookies=jar to be one of: shared, per-install, none/],
    ['a scenario whose client.cookies is not a scope', ['--scenario', badCookies], /client: field "cookies" must be one of "shared", "per-install", "none" \(got 3\)/],
  ] as Array<[string, string[], RegExp]>) {
    it(`rejects ${label} with one line and exit 2`, () => {
      const r = runCli(['predict', ...args, '--replications', '1']);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(pattern);
      expect(r.stderr).not.toMatch(/\s+at\s+\S+:\d+/);
    });
  }
});
