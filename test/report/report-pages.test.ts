// Reports and gates as users meet them, on the real local stack (nginx + 2 gunicorn servers) and in a real
// headless Chromium (Debian's): validate with thresholds (exit 99, the failed one marked) and
// --abort-on-fail, compare's refusal of a prediction for another sizing and its tolerances, predict and
// plan --report; then every page opened in one browser: no console error, nothing fetched, every chart
// drew marks, the screenshot is not blank, the page fits a phone and a printed A4 page.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ValidationSummary } from '../../src/live/summary.js';
import { runCliAsync } from '../plan/run-cli-async.js';
import { startStack, type RunningStack } from '../stack/stack.js';
import { checkPage, launchBrowser } from './browser.js';

let stack: RunningStack;
let browser: Browser;
let dir: string;
const pages: Record<string, { file: string; charts: number }> = {};

const sizing = ['--instance', 'custom', '--vcpus', '2', '--memory-gb', '4', '--tasks', '2', '--workers', '2', '--worker-class', 'sync', '--algorithm', 'round_robin'];

function scenarioFile(name: string, profile: { burstInstalls: number; burstEvery: number; durationSeconds: number }): string {
  const file = path.join(dir, `${name}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      name,
      description: 'report test load',
      flow: 'pip-root-index',
      profile: { executor: 'burst-iterations', iterationSeconds: 1, baselineInstalls: 2, firstBurstIteration: 0, waitForInstalls: true, ...profile },
      client: { timeoutSeconds: 15, retries: 5, backoffFactorSeconds: 0.25, retryStatuses: [500, 503, 520, 527], keepAlive: true },
      repository: { projects: 100, versionsPerProject: 3, wheelBytes: 3300, versionPick: 'latest' },
    }),
  );
  return file;
}

const chartsIn = (html: string) => [...html.matchAll(/<svg [^>]*class="[^"]*chart-svg/g)].length;
const readCsv = (file: string) => readFileSync(file, 'utf8').trimEnd().split('\n');

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'capsim-report-'));
  [stack, browser] = await Promise.all([startStack({ servers: 2, workers: 2, workerClass: 'sync', balancing: 'round_robin', projects: 30 }), launchBrowser()]);
}, 180_000);

afterAll(async () => {
  await Promise.all([stack?.stop(), browser?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

describe('gates and reports on the local stack', () => {
  let twoBursts: string;
  let out: string;

  it("validate --threshold 'p95<1': exit 99 with the failed threshold marked; summary, report, CSV and --timeline written", async () => {
    twoBursts = scenarioFile('two-bursts', { burstInstalls: 40, burstEvery: 2, durationSeconds: 3 });
    out = path.join(dir, 'run');
    const html = path.join(dir, 'run.html');
    const csv = path.join(dir, 'run-csv');
    const run = await runCliAsync([
      'validate', '--url', stack.url, '--scenario', twoBursts, '--out', out, '--diagnostics', 'local', '--diagnostics-seconds', '1', ...sizing,
      '--threshold', 'p95<1', '--threshold', 'error_rate<50%', '--report', html, '--csv', csv, '--timeline',
    ]);
    expect(run.code, run.stderr).toBe(99);
    expect(run.stdout).toContain('thresholds (measured): 1 of 2 FAILED');
    expect(run.stdout).toMatch(/✗ FAIL {2}p95<1 +p95 = [\d,]+ ms/);
    expect(run.stdout).toMatch(/✓ pass {2}error_rate<50% +error_rate = 0\.00 %/);
    expect(run.stdout).toMatch(/^burst +0 +\d/m); // the --timeline table, bursts marked
    const summary = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) as ValidationSummary;
    expect(summary.thresholds).toEqual([
      { threshold: 'p95<1', metric: 'p95', operator: '<', limit: 1, unit: 'ms', value: summary.latency_p95, ok: false, note: null },
      { threshold: 'error_rate<50%', metric: 'error_rate', operator: '<', limit: 0.5, unit: 'fraction', value: 0, ok: true, note: null },
    ]);
    expect(summary.interrupted).toBe(false);
    // 2 bursts of 40 + 1 iteration of 2 installs, 3 HTTP requests each; the bursts' requests spread over both upstreams.
    expect(summary.http_requests).toBe(3 * 82);
    expect(Object.keys(summary.upstream_share_bursts).sort()).toEqual([...stack.upstreams].sort());
    expect(Object.values(summary.upstream_share_bursts).reduce((n, s) => n + s.requests, 0)).toBe(3 * 80);
    expect(summary.http_5xx_responses).toBe(0);
    expect(summary.latency_all_p95).toBe(summary.latency_p95); // no failure: all operations are the successful ones
    expect(summary.timeline.reduce((n, s) => n + s.responses, 0)).toBe(3 * 82);

    expect(readCsv(path.join(csv, 'headline.csv'))[0]).toBe('metric,label,unit,value');
    expect(readCsv(path.join(csv, 'headline.csv')).slice(1).map((l) => l.split(',')[0])).toEqual([
      'error_rate', 'p50', 'p95', 'p99', 'p95_all', 'operations', 'http_requests', 'http_5xx', 'throughput', 'max_target_share',
    ]);
    expect(readCsv(path.join(csv, 'operations.csv'))[0]).toBe('operation,operations,successful,failed,error_rate,mean_ms,p50_ms,p95_ms,p99_ms,min_ms,max_ms');
    expect(readCsv(path.join(csv, 'operations.csv'))).toHaveLength(1 + Object.keys(summary.operations).length);
    const timeline = readCsv(path.join(csv, 'timeline.csv'));
    expect(timeline[0]).toBe('t_s,requests,responses,errors,operations,failures,status_5xx,timeouts,connection_errors,p95_ms,burst');
    expect(timeline).toHaveLength(summary.timeline.length + 1);
    expect(timeline[1].split(',').at(-1)).toBe('true');

    expect(readFileSync(path.join(out, 'summary.md'), 'utf8')).toMatch(/## Thresholds: 1 of 2 FAILED\n\n- ✗ \*\*FAIL\*\* `p95<1`: p95 = [\d,]+ ms\n- ✓ pass `error_rate<50%`: error_rate = 0\.00 %\n/);
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('<div class="verdict failed"><strong>Thresholds (measured): 1 of 2 failed</strong>');
    pages.run = { file: html, charts: 4 }; // timeline, latency CDF, upstream share, diagnostics per burst
    expect(chartsIn(page)).toBe(4);
  });

  it("--threshold 'p95<' is one line and exit 2, before anything is sent", async () => {
    const [run, abortAlone] = await Promise.all([
      runCliAsync(['validate', '--url', stack.url, '--scenario', 'pip-burst', '--threshold', 'p95<', '--out', path.join(dir, 'never')]),
      runCliAsync(['validate', '--url', stack.url, '--abort-on-fail']),
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^capsim: --threshold "p95<": no value after the operator; expected METRIC OPERATOR VALUE/);
    expect(abortAlone.code).toBe(2);
    expect(abortAlone.stderr.trim()).toBe('capsim: --abort-on-fail needs at least one --threshold');
  });

  it('--abort-on-fail stops the run at the first failed check (after 20 operations) and keeps what it measured', async () => {
    const long = scenarioFile('eight-bursts', { burstInstalls: 40, burstEvery: 1, durationSeconds: 8 });
    const abortOut = path.join(dir, 'aborted');
    const started = Date.now();
    const run = await runCliAsync(['validate', '--url', stack.url, '--scenario', long, '--out', abortOut, ...sizing, '--threshold', 'p95<1', '--abort-on-fail', '--json']);
    expect(run.code, run.stderr).toBe(99);
    expect(Date.now() - started).toBeLessThan(8000 + 5000); // well before the 8 s of load the scenario plans (CLI start-up included)
    expect(run.stderr).toMatch(/capsim: aborted \(--abort-on-fail\): threshold p95<1 failed \(p95 = [\d,]+ ms after \d+ operations\); partial results in /);
    const summary = JSON.parse(readFileSync(path.join(abortOut, 'summary.json'), 'utf8')) as ValidationSummary;
    expect(summary).toMatchObject({ interrupted: true, interrupt_reason: 'abort-on-fail' });
    expect(summary.installs.started).toBeLessThan(8 * 40);
    expect(summary.total_requests).toBeGreaterThanOrEqual(20);
    expect(summary.thresholds?.[0]).toMatchObject({ threshold: 'p95<1', ok: false });
    const lines = readFileSync(path.join(abortOut, 'requests.ndjson'), 'utf8').trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(summary.total_requests);
    for (const line of lines) JSON.parse(line);
  });

  it('compare refuses a prediction for another sizing and load (exit 2, naming the fields), unless --force; its tolerances gate (exit 99)', async () => {
    const other = path.join(dir, 'production.json');
    const local = path.join(dir, 'local.json');
    const [p1, p2] = await Promise.all([
      runCliAsync(['predict', '--instance', 'c6a.xlarge', '--tasks', '12', '--workers', '4', '--replications', '2', '--json']),
      runCliAsync(['predict', ...sizing, '--scenario', twoBursts, '--repository-from', path.join(out, 'summary.json'), '--replications', '3', '--timeline', '--json']),
    ]);
    writeFileSync(other, p1.stdout);
    writeFileSync(local, p2.stdout);

    const html = path.join(dir, 'compare.html');
    const csv = path.join(dir, 'compare-csv');
    const [refused, forced, agreed, strict] = await Promise.all([
      runCliAsync(['compare', other, out]),
      runCliAsync(['compare', other, out, '--force', '--json']),
      runCliAsync(['compare', local, out, '--report', html, '--csv', csv, '--max-relative-error', '100000%', '--max-error-points', '100']),
      runCliAsync(['compare', local, out, '--max-relative-error', '0%', '--threshold', 'p95<1']),
    ]);
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr.trim()).toMatch(
      /^capsim: the prediction does not describe this run \(predict for the run's sizing and load, or pass --force\): instance c6a\.xlarge vs custom, tasks 12 vs 2, workers 4 vs 2, workerClass gevent vs sync, storage efs vs local, scenario production-incident vs two-bursts, flow seed-tool vs pip-root-index, load\.baselineInstalls 3 vs 2, load\.burstEvery 6 vs 2, load\.burstInstalls 510 vs 40, and \d+ more \(prediction vs run\) \(the run read its index: predict with --repository-from \S+\)$/,
    );
    expect(forced.code).toBe(0);
    expect(forced.stderr).toMatch(/^capsim: comparing anyway \(--force\): instance c6a\.xlarge vs custom/);
    expect(JSON.parse(forced.stdout).mismatches.length).toBeGreaterThan(5);

    expect(agreed.code, agreed.stderr).toBe(0);
    expect(agreed.stdout).toMatch(/^metric +unit +predicted +measured +relative error \(%\) +difference$/m);
    expect(agreed.stdout).toMatch(/^P95 +ms +[\d.]+ +[\d.]+ +[-+][\d.]+ +[-+][\d.]+ ms$/m);
    expect(agreed.stdout).toContain('tolerances: all within');
    expect(readCsv(path.join(csv, 'headline.csv'))[0]).toBe('metric,unit,predicted,measured,relative_error,difference,difference_unit');
    expect(readCsv(path.join(csv, 'operations.csv'))[0]).toBe('operation,predicted_mean_ms,measured_mean_ms,relative_error,difference_ms');
    expect(readCsv(path.join(csv, 'timeline.csv'))[0]).toBe('t_s,predicted_requests,predicted_responses,predicted_errors,measured_requests,measured_responses,measured_errors');
    expect(readCsv(path.join(csv, 'timeline.csv')).length).toBeGreaterThan(2);
    // compare section (figures, timelines and CDFs on the same axes) + the prediction's timeline, CDF,
    // burst shares per target and per instance, and instance series + the run's four
    pages.compare = { file: html, charts: 3 + 5 + 4 };
    expect(chartsIn(readFileSync(html, 'utf8'))).toBe(pages.compare.charts);

    expect(strict.code).toBe(99);
    expect(strict.stdout).toMatch(/tolerances: \d+ of \d+ EXCEEDED/);
    expect(strict.stdout).toMatch(/✗ FAIL {2}P95 \|relative error\| <= 0 %/);
    expect(strict.stdout).toMatch(/✗ FAIL {2}p95<1 +p95 = /);
  });

  it('predict --report for the production-incident prediction at the final sizing; plan --report and --csv', async () => {
    const html = path.join(dir, 'predict.html');
    const planHtml = path.join(dir, 'plan.html');
    const planCsvDir = path.join(dir, 'plan-csv');
    const [predict, plan] = await Promise.all([
      runCliAsync(['predict', '--instance', 'c6a.xlarge', '--tasks', '12', '--workers', '4', '--report', html]),
      runCliAsync(['plan', '--slo-error-rate', '10%', '--slo-p95-ms', '45000', '--instance-types', 't3.small,c6a.large', '--max-instances', '2', '--workers', '2,4', '--replications', '2', '--threads', '1', '--report', planHtml, '--csv', planCsvDir, '--json']),
    ]);
    expect(predict.code, predict.stderr).toBe(0);
    expect(plan.code, plan.stderr).toBe(0);
    const page = readFileSync(html, 'utf8');
    // The acceptance: at least three charts (timeline with bursts, latency CDF, per-instance series).
    pages.predict = { file: html, charts: chartsIn(page) };
    expect(pages.predict.charts).toBeGreaterThanOrEqual(3);
    for (const chart of ['prediction-1-timeline', 'prediction-1-latency', 'prediction-1-instances']) expect(page).toContain(`data-chart="${chart}"`);
    expect(page).toContain('Grey bands are bursts.');
    pages.plan = { file: planHtml, charts: 1 };
    expect(chartsIn(readFileSync(planHtml, 'utf8'))).toBe(1);
    const candidates = readCsv(path.join(planCsvDir, 'candidates.csv'));
    expect(candidates[0].split(',').slice(0, 4)).toEqual(['id', 'instance_type', 'instances', 'tasks']);
    expect(candidates.length).toBeGreaterThan(10);
    expect(candidates.filter((l) => l.includes(',meets,')).length).toBeGreaterThan(0);

    // capsim report on files already written: a plan, a prediction and a run on one page, led by their comparison.
    const planJson = path.join(dir, 'plan.json');
    writeFileSync(planJson, plan.stdout);
    const multi = path.join(dir, 'multi.html');
    const report = await runCliAsync(['report', planJson, path.join(dir, 'local.json'), out, '--out', multi]);
    expect(report.code, report.stderr).toBe(0);
    const sections = [...readFileSync(multi, 'utf8').matchAll(/<section id="([^"]+)">/g)].map((m) => m[1]);
    expect(sections).toEqual(['comparison', 'plan-1', 'prediction-1', 'run-1']);
    expect(report.stdout.trim()).toBe(`${multi}: ${chartsIn(readFileSync(multi, 'utf8'))} charts, ${Math.round(Buffer.byteLength(readFileSync(multi)) / 1024)} KiB`);
  });

  it('every page renders in headless Chromium: no console error, nothing fetched, every chart drew marks, not blank, fits a phone and A4', async () => {
    expect(Object.keys(pages).sort()).toEqual(['compare', 'plan', 'predict', 'run']);
    for (const [name, { file, charts }] of Object.entries(pages)) {
      const check = await checkPage(browser, file);
      writeFileSync(path.join(dir, `${name}.png`), check.screenshot);
      expect(check.consoleErrors, name).toEqual([]);
      expect(check.requests, name).toEqual([`file://${file}`]);
      expect(Object.keys(check.marks), name).toHaveLength(charts);
      for (const [chart, marks] of Object.entries(check.marks)) expect(marks, `${name}: ${chart}`).toBeGreaterThan(0);
      expect(check.colours, name).toBeGreaterThan(20);
      expect(check.inked, name).toBeGreaterThan(0.03);
      expect(check.phoneScrollWidth, name).toBeLessThanOrEqual(390);
      expect(check.printScrollWidth, name).toBeLessThanOrEqual(794);
      expect(check.pdfBytes, name).toBeGreaterThan(10_000);
    }
  });
});
