import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const local = ['--instance', 'custom', '--vcpus', '1', '--memory-gb', '4', '--tasks', '1', '--workers', '2', '--worker-class', 'sync'];
const quick = ['--scenario', 'local-burst', '--burst-size', '50', '--duration', '15', '--replications', '2'];

describe('predict: calibration stack kind', () => {
  it('refuses a local-stack calibration for an AWS instance, and an AWS one for a custom machine, in one line', () => {
    const aws = runCli(['predict', '--instance', 'c6a.xlarge', '--tasks', '2', '--workers', '2', '--calibration', 'local-stack', ...quick]);
    expect(aws.code).toBe(2);
    expect(aws.stderr.trim().split('\n')).toHaveLength(1);
    expect(aws.stderr).toMatch(/calibration "local-stack" .* describes a local stack .* but the sizing c6a\.xlarge is an AWS stack .* or pass --force/);
    const custom = runCli(['predict', ...local, '--calibration', 'published-2025', ...quick]);
    expect(custom.code).toBe(2);
    expect(custom.stderr).toMatch(/calibration "published-2025" .* describes an AWS stack .* is a local stack/);
    const plan = runCli(['plan', '--calibration', 'local-stack', '--slo-error-rate', '1%', '--slo-p95-ms', '10000']);
    expect(plan.code).toBe(2);
    expect(plan.stderr.trim()).toMatch(/^capsim: calibration "local-stack" .*the plan grid .* or pass --force$/);
  });

  it('--force uses it anyway; a custom machine defaults to the local-stack calibration', () => {
    const forced = runCli(['predict', '--instance', 'c6a.xlarge', '--tasks', '2', '--workers', '2', '--calibration', 'local-stack', '--force', '--json', ...quick]);
    expect(forced.code).toBe(0);
    expect(JSON.parse(forced.stdout).calibration).toBe('local-stack');
    const plain = runCli(['predict', ...local, '--json', '--algorithm', 'least_conn', ...quick]);
    expect(plain.code).toBe(0);
    const p = JSON.parse(plain.stdout);
    expect(p.calibration).toBe('local-stack');
    expect(p.config).toMatchObject({ stackKind: 'local', balancer: 'nginx', albNodes: 1, algorithm: 'least_outstanding_requests', lorFeedbackMs: 0 });
  });
});

describe('capsim compare', () => {
  const dir = mkdtempSync(join(tmpdir(), 'capsim-compare-'));
  const prediction = join(dir, 'prediction.json');
  const summary = join(dir, 'summary.json');
  const p = runCli(['predict', ...local, '--json', ...quick]);
  writeFileSync(prediction, p.stdout);
  const predicted = JSON.parse(p.stdout);
  // A measured run whose figures are known: P95 twice the prediction, 2 % errors.
  writeFileSync(summary, JSON.stringify({
    profile: 'local-burst', total_requests: 100, successful_requests: 98, failed_requests: 2, error_rate: 0.02, duration_seconds: 10,
    latency_median: predicted.latencyMs.p50.mean, latency_p95: 2 * predicted.latencyMs.p95.mean, latency_p99: null,
    operations: { root: { latency_mean: predicted.perOperation.root.meanMs.mean } }, interrupted: false,
  }));

  it('prints predicted, measured and the relative error of each metric (--json)', () => {
    const r = runCli(['compare', prediction, summary, '--json']);
    expect(r.code).toBe(0);
    const c = JSON.parse(r.stdout);
    const m = (name: string) => c.metrics.find((x: { metric: string }) => x.metric === name);
    expect(m('P95').relativeError).toBeCloseTo(-0.5, 10);
    expect(m('P50').relativeError).toBeCloseTo(0, 10);
    expect(m('P99').relativeError).toBeNull();
    expect(m('error rate').difference).toBeCloseTo(100 * (predicted.errorRate.mean - 0.02), 10);
    expect(m('throughput').measured).toBeCloseTo(9.8, 10);
    expect(m('root mean').relativeError).toBeCloseTo(0, 10);
    const human = runCli(['compare', prediction, summary]);
    expect(human.stdout).toMatch(/P95 +ms +\S+ +\S+ +-50\.0 /);
  });

  it('refuses files that are not a prediction or a run summary, in one line', () => {
    const swapped = runCli(['compare', summary, prediction]);
    expect(swapped.code).toBe(2);
    expect(swapped.stderr.trim()).toMatch(/^capsim: .*summary\.json: not a capsim predict --json output/);
    const missing = runCli(['compare', join(dir, 'nope.json'), summary]);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
  });
});
