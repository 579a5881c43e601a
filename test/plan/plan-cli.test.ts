import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TFVARS_VARIABLES } from '../../src/plan/tfvars.js';
import { runCli } from '../cli/run-cli.js';
import { parseHclAssignments } from './hcl-assignments.js';
import { runCliAsync } from './run-cli-async.js';

const dir = mkdtempSync(join(tmpdir(), 'capsim-plan-'));
// one burst instead of five, a small grid: the CLI behaviour, fast
const quick = ['--duration', '70', '--instance-types', 't3.small,c6a.xlarge', '--max-instances', '2', '--workers', '1,4'];

describe('capsim plan', () => {
  it('production-incident, SLO 0.1 % / 15 s: recommends a sizing that meets it in a fresh predict, explains the t3.small misses, writes tfvars', () => {
    const tfvars = join(dir, 'sizing.auto.tfvars');
    const r = runCli([
      'plan', '--scenario', 'production-incident', '--slo-error-rate', '0.001', '--slo-p95-ms', '15000',
      '--instance-types', 't3.small,c6a.xlarge', '--max-instances', '2', '--workers', '1,4', '--replications', '3', '--tfvars', tfvars,
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^RECOMMENDED: \d+ x \S+, \d+ tasks? x \d+ gevent workers?/m);
    expect(r.stdout).toMatch(/calibration published-2025/);
    expect(r.stdout).toMatch(/prices: us-east-1, USD; EC2 on demand as of \d{4}-\d\d-\d\d/);
    expect(r.stdout).toMatch(/Pareto frontier, cost vs P95/);
    // the cost column sits next to error rate and P95 with their intervals
    expect(r.stdout).toMatch(/^ +\d+\.\d\d  \d+ x \S+, .*%.*\[.* \.\. .*\].*\[[\d,]+ \.\. [\d,]+\]/m);
    // why the t3.small sizings that miss fail: each with the objective missed and by how much
    const why = r.stdout.split('\n').findIndex((line) => /^  why t3\.small sizings fail/.test(line));
    expect(why).toBeGreaterThan(0);
    expect(r.stdout.split('\n')[why + 2]).toMatch(/^ +why: .*(error rate|P95) .* > .*over by/);

    const vars = parseHclAssignments(readFileSync(tfvars, 'utf8'));
    expect(Object.keys(vars)).toEqual([...TFVARS_VARIABLES]);
    // With autoscaling (the default) the minimum is the planned sizing and the maximum the policy's bounds.
    expect(vars.task_max_count).toBe(2 * Number(vars.task_min_count));
    expect(Number(vars.asg_max_size)).toBeGreaterThanOrEqual(Number(vars.asg_min_size));
    const header = readFileSync(tfvars, 'utf8').split('\n').filter((l) => l.startsWith('#')).join('\n');
    expect(header).toMatch(/SLO: error rate <= 0\.1 %, P95 <= 15,000 ms/);
    expect(header).toMatch(/Scenario: production-incident/);
    expect(header).toMatch(/Calibration: published-2025/);
    expect(header).toMatch(/Predicted at the planned load: error rate .* P95 [\d,]+ ms/);
    // Stickiness is the web-pod module's: the recommendation says what it assumes and writes no variable for it.
    expect(header).toMatch(/Assumes target-group stickiness on \(as deployed\): stickiness_enabled is a variable of the web-pod module/);
    expect(r.stdout).toMatch(/^ {2}stickiness {4}Assumes target-group stickiness on/m);
    expect(header).toMatch(/Reproduce: capsim predict .*--stickiness on/);

    const p = runCli([
      'predict', '--scenario', 'production-incident', '--instance', String(vars.asg_instance_type), '--instances', String(vars.asg_min_size),
      '--tasks', String(vars.task_min_count), '--workers', String(vars.gunicorn_workers), '--container-memory', String(vars.container_memory),
      '--replications', '3', '--json',
    ]);
    expect(p.code).toBe(0);
    const fresh = JSON.parse(p.stdout);
    expect(fresh.config.containerCpu).toBe(vars.container_cpu);
    expect(fresh.errorRate.mean).toBeLessThanOrEqual(0.001);
    expect(fresh.latencyMs.p95.mean).toBeLessThanOrEqual(15_000);
    expect(r.stdout).toContain(`P95 ${Math.round(fresh.latencyMs.p95.mean).toLocaleString('en-US')} [`);
  });

  it('--stickiness on,off puts both in the grid, named in each id; the reproduce command states the recommendation\'s', () => {
    const r = runCli(['plan', '--slo-error-rate', '5%', '--slo-p95-ms', '60000', '--duration', '70', '--instance-types', 'c6a.xlarge', '--max-instances', '1', '--workers', '4', '--stickiness', 'on,off', '--replications', '2', '--threads', '1', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const plan = JSON.parse(r.stdout);
    const outcomes = plan.candidates as Array<{ id: string; stickiness: boolean }>;
    expect(outcomes.filter((o) => o.stickiness).length).toBe(6);
    expect(outcomes.filter((o) => !o.stickiness).length).toBe(6);
    expect(outcomes.every((o) => o.id.includes(`stickiness ${o.stickiness ? 'on' : 'off'}`))).toBe(true);
    const rec = plan.analysis.recommendation as { stickiness: boolean };
    expect(plan.reproduce).toContain(`--stickiness ${rec.stickiness ? 'on' : 'off'}`);
  });

  it('prints identical JSON with --threads 1 and --threads 2, the progress bar only on stderr', async () => {
    const args = ['plan', '--slo-error-rate', '1%', '--slo-p95-ms', '20000', ...quick, '--replications', '6', '--json'];
    const [a, b] = await Promise.all([runCliAsync([...args, '--threads', '1']), runCliAsync([...args, '--threads', '2', '--progress'])]);
    expect(a.code).toBe(0);
    expect(a.stderr).toBe('');
    expect(b.stdout).toBe(a.stdout);
    expect(b.stderr).toMatch(/\r\[#+\] 62\/62 candidates, \d+ dropped early, \d+ replications, done/);
    const plan = JSON.parse(a.stdout);
    expect(plan.stats.droppedEarly).toBeGreaterThan(0);
    expect(plan.candidates).toHaveLength(plan.stats.candidates);
    expect(plan.reproduce).toMatch(/^capsim predict --scenario production-incident --duration 70 --instance \S+ --instances \d+ /);
  });

  it('exits 1 when no candidate meets the SLO, with the closest candidates and what they miss by', async () => {
    const none = ['plan', '--slo-error-rate', '0', '--slo-p95-ms', '1', ...quick, '--replications', '2'];
    const [r, json] = await Promise.all([runCliAsync(none), runCliAsync([...none, '--json', '--tfvars', join(dir, 'none.tfvars')])]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/NO CANDIDATE MEETS THE SLO \(error rate <= 0 %, P95 <= 1 ms\)/);
    expect(r.stdout).toMatch(/why: P95 [\d,]+ ms > 1 ms \(over by [\d,]+ ms/);
    expect(json.code).toBe(1);
    expect(json.stderr).toMatch(/no candidate meets the SLO: .*none\.tfvars not written/);
    const plan = JSON.parse(json.stdout);
    expect(plan.analysis.recommendation).toBeNull();
    expect(plan.analysis.closest.length).toBeGreaterThan(0);
    for (const c of plan.analysis.closest) expect(c.checks.some((k: { meets: boolean; excess: number }) => !k.meets && k.excess > 0)).toBe(true);
  });

  for (const [label, args, pattern] of [
    ['a negative error rate', ['--slo-error-rate', '-0.1', '--slo-p95-ms', '100'], /--slo-error-rate must be a fraction from 0 to 1/],
    ['an error rate over 1', ['--slo-error-rate', '1.5', '--slo-p95-ms', '100'], /--slo-error-rate must be a fraction from 0 to 1/],
    ['a negative P95', ['--slo-error-rate', '0.01', '--slo-p95-ms=-5'], /--slo-p95-ms must be a number of milliseconds > 0/],
    ['a missing objective', ['--slo-error-rate', '0.01'], /Missing required flag slo-p95-ms/],
    ['headroom below 1', ['--slo-error-rate', '0.01', '--slo-p95-ms', '100', '--headroom', '0.5'], /--headroom must be a factor >= 1/],
    ['an unknown instance type', ['--slo-error-rate', '0.01', '--slo-p95-ms', '100', '--instance-types', 't3.smal'], /unknown instance type "t3\.smal".*t3\.small/],
    ['a bad worker list', ['--slo-error-rate', '0.01', '--slo-p95-ms', '100', '--workers', '4,x'], /--workers must be a whole number, got "x"/],
    ['an unknown worker class', ['--slo-error-rate', '0.01', '--slo-p95-ms', '100', '--worker-class', 'eventlet'], /--worker-class: unknown value "eventlet"/],
  ] as Array<[string, string[], RegExp]>) {
    it.concurrent(`rejects ${label} with one line and exit 2`, async () => {
      const r = await runCliAsync(['plan', ...args]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(pattern);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    });
  }
});
