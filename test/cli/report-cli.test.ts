// predict's thresholds, CSV and text timeline, and `capsim report` on files already written, as users run them.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliAsync } from '../plan/run-cli-async.js';

const dir = mkdtempSync(join(tmpdir(), 'capsim-report-cli-'));
const quick = ['--instance', 'custom', '--vcpus', '1', '--memory-gb', '4', '--tasks', '1', '--workers', '2', '--worker-class', 'sync', '--scenario', 'local-burst', '--burst-size', '50', '--duration', '15', '--replications', '2'];
const lines = (file: string) => readFileSync(file, 'utf8').trimEnd().split('\n');

describe('predict --threshold, --csv, --timeline', () => {
  it('passes (exit 0) or fails (exit 99) on the means, prints a marked block, and records the results in --json', async () => {
    const [pass, fail, bad] = await Promise.all([
      runCliAsync(['predict', ...quick, '--threshold', 'p95<100s', '--threshold', 'error_rate<=1']),
      runCliAsync(['predict', ...quick, '--threshold', 'p95<1', '--threshold', 'http_5xx==0', '--json']),
      runCliAsync(['predict', ...quick, '--threshold', 'p95<']),
    ]);
    expect(pass.code, pass.stderr).toBe(0);
    expect(pass.stdout).toContain('thresholds (means over 2 replications): all passed');
    expect(pass.stdout).toMatch(/✓ pass {2}p95<100s +p95 = [\d,]+ ms/);
    expect(fail.code).toBe(99);
    const json = JSON.parse(fail.stdout);
    expect(json.thresholds.map((t: { threshold: string; ok: boolean }) => [t.threshold, t.ok])).toEqual([['p95<1', false], ['http_5xx==0', true]]);
    expect(json.thresholds[0].value).toBe(json.latencyMs.p95.mean);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/^capsim: --threshold "p95<": no value after the operator/);
  });

  it('--csv writes headline, per-operation and timeline files with their units in the column names; --timeline prints the table (per second for a short run)', async () => {
    const csv = join(dir, 'csv');
    const [run, plain] = await Promise.all([runCliAsync(['predict', ...quick, '--csv', csv, '--timeline']), runCliAsync(['predict', ...quick])]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.startsWith(plain.stdout.trimEnd())).toBe(true); // the default output, then the timeline
    expect(plain.stdout).not.toContain('timeline');
    expect(run.stdout).toMatch(/timeline \(replication 1\), HTTP requests per second:\n +t \(s\) +requests +responses +errors +requests\n/);
    expect(run.stdout).toMatch(/^burst +1\d +\d/m); // local-burst: the burst iteration starts at 10 s
    const headline = lines(join(csv, 'headline.csv'));
    expect(headline[0]).toBe('metric,label,unit,mean,ci_low,ci_high');
    expect(headline.slice(1).map((l) => l.split(',')[0])).toEqual([
      'error_rate', 'p50', 'p95', 'p99', 'p95_all', 'operations', 'http_requests', 'http_5xx', 'throughput', 'max_target_share', 'max_instance_share', 'sticky_replacements', 'task_replacements',
    ]);
    expect(headline[3]).toMatch(/^p95,P95 \(successful operations\),ms,[\d.]+,[\d.]+,[\d.]+$/);
    expect(lines(join(csv, 'operations.csv'))[0]).toBe('operation,operations,error_rate,mean_ms,mean_ok_ms,p95_ms,p95_ci_low_ms,p95_ci_high_ms');
    const timeline = lines(join(csv, 'timeline.csv'));
    expect(timeline[0]).toBe('t_s,requests,responses,errors,burst');
    expect(timeline.length).toBeGreaterThan(10);
    expect(timeline[1]).toMatch(/^0,\d+,\d+,\d+,(true|false)$/);
  });
});

describe('capsim report', () => {
  it('writes a page from a predict --json file, and refuses what is not a result in one line', async () => {
    const prediction = join(dir, 'p.json');
    const made = await runCliAsync(['predict', ...quick, '--timeline', '--json']);
    writeFileSync(prediction, made.stdout);
    writeFileSync(join(dir, 'other.json'), JSON.stringify({ hello: 'world' }));
    mkdirSync(join(dir, 'empty'), { recursive: true });
    const out = join(dir, 'nested', 'p.html');
    const [ok, none, other, empty, missing] = await Promise.all([
      runCliAsync(['report', prediction, '--out', out]),
      runCliAsync(['report', '--out', out]),
      runCliAsync(['report', join(dir, 'other.json'), '--out', out]),
      runCliAsync(['report', join(dir, 'empty'), '--out', out]),
      runCliAsync(['report', join(dir, 'nope.json'), '--out', out]),
    ]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout.trim()).toMatch(/^\S+p\.html: \d+ charts?, \d+ KiB$/);
    expect(readFileSync(out, 'utf8')).toMatch(/^<!doctype html>/);
    for (const [run, message] of [
      [none, /^capsim: capsim report needs at least one INPUT/],
      [other, /other\.json: not a run summary, a capsim predict --json output or a capsim plan --json output$/],
      [empty, /empty is a directory without summary\.json \(not a capsim validate run directory\)$/],
      [missing, /nope\.json does not exist/],
    ] as const) {
      expect(run.code).toBe(2);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr.trim()).toMatch(message);
    }
  });
});
