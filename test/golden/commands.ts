/**
 * The golden commands: a fixed set of CLI invocations whose JSON output is
 * recorded in test/golden/outputs/ and compared byte for byte by
 * golden.test.ts. Fixed seeds and small replication counts keep the whole set
 * fast. Scenario fixtures live in test/golden/scenarios/.
 *
 * A change that alters the model on purpose re-records them
 * (CAPSIM_GOLDEN_RECORD=1 npx vitest run test/golden, see README.md here) and
 * shows `git diff test/golden/outputs` with the reason in its commit message.
 */
export interface GoldenCommand {
  /** File name of the recorded output (outputs/NAME.json). */
  name: string;
  args: string[];
}

const FINAL = ['--instance', 'c6a.xlarge', '--tasks', '12', '--workers', '4'];
/**
 * The recordings of the commands below that carry it were made before autoscaling existed: with it off
 * they must come out byte for byte the same. The `-autoscaling` commands record the default (on).
 */
const OFF = ['--autoscaling', 'off'];
const SCENARIOS = 'test/golden/scenarios';

export const GOLDEN_COMMANDS: readonly GoldenCommand[] = [
  // The report's final sizing under the seed tool's burst, with the timeline.
  { name: 'predict-final', args: ['predict', ...FINAL, '--replications', '3', '--timeline', ...OFF, '--json'] },
  // Same sizing, least outstanding requests with a feedback delay and keep-alive pinning.
  {
    name: 'predict-final-lor-pinned',
    args: ['predict', ...FINAL, '--algorithm', 'least_outstanding_requests', '--lor-feedback-ms', '500', '--routing', 'per-connection', '--replications', '2', ...OFF, '--json'],
  },
  // The baseline as the README reads it (4 x t3.small, 12 tasks, 1 worker).
  { name: 'predict-baseline', args: ['predict', '--instance', 't3.small', '--instances', '4', '--tasks', '12', '--workers', '1', '--replications', '3', ...OFF, '--json'] },
  // The final sizing without stickiness: every request placed by round robin.
  { name: 'predict-final-stickiness-off', args: ['predict', ...FINAL, '--stickiness', 'off', '--replications', '2', ...OFF, '--json'] },
  // Sync workers under real pip's retries: worker timeouts, 502s, health checks and replacements.
  {
    name: 'predict-baseline-sync-pip',
    args: ['predict', '--instance', 't3.small', '--instances', '3', '--tasks', '6', '--workers', '2', '--worker-class', 'sync', '--scenario', 'pip-burst', '--replications', '2', ...OFF, '--json'],
  },
  // The incident host: t3.micro, 128 MB containers, 2 GB swap.
  {
    name: 'predict-incident-host',
    args: ['predict', '--instance', 't3.micro', '--tasks', '2', '--workers', '2', '--container-memory', '128', '--set', 'memory.swapMb=2047', '--replications', '2', ...OFF, '--json'],
  },
  // A custom machine (the local stack behind nginx, least_conn).
  {
    name: 'predict-custom',
    args: ['predict', '--instance', 'custom', '--vcpus', '1', '--memory-gb', '8', '--tasks', '2', '--workers', '2', '--worker-class', 'sync', '--algorithm', 'least_conn', '--scenario', 'local-burst', '--replications', '3', '--json'],
  },
  { name: 'predict-steady', args: ['predict', ...FINAL, '--scenario', 'steady', '--replications', '2', ...OFF, '--json'] },
  { name: 'predict-replay', args: ['predict', ...FINAL, '--scenario', `${SCENARIOS}/replay.json`, '--replications', '2', ...OFF, '--json'] },
  { name: 'predict-ramping', args: ['predict', '--instance', 'c6a.large', '--tasks', '3', '--workers', '2', '--scenario', `${SCENARIOS}/ramping.json`, '--replications', '2', ...OFF, '--json'] },
  // 3 installs/s for 100 s: the case where model and generator schedules disagreed.
  { name: 'predict-constant-3-per-s', args: ['predict', '--instance', 'c6a.large', '--tasks', '3', '--workers', '2', '--scenario', `${SCENARIOS}/constant-3-per-s.json`, '--replications', '2', ...OFF, '--json'] },
  // A small plan grid, one thread, with headroom (so the recommendation is also predicted at the nominal load).
  {
    name: 'plan-small-grid',
    args: [
      'plan', '--slo-error-rate', '1%', '--slo-p95-ms', '15000', '--headroom', '1.2', '--instance-types', 't3.small,c6a.xlarge', '--max-instances', '2',
      '--workers', '1,4', '--duration', '120', '--replications', '3', '--threads', '1', ...OFF, '--json',
    ],
  },
  // Autoscaling on (the default): the final sizing under the seed's bursts (no scale-out), sync workers under pip's
  // retries (health-check replacements with the cluster's slots), a ramp that scales out and launches an instance,
  // and a small plan grid priced at the instances it needed.
  { name: 'predict-final-autoscaling', args: ['predict', ...FINAL, '--replications', '3', '--json'] },
  {
    name: 'predict-baseline-sync-pip-autoscaling',
    args: ['predict', '--instance', 't3.small', '--instances', '3', '--tasks', '6', '--workers', '2', '--worker-class', 'sync', '--scenario', 'pip-burst', '--replications', '2', '--json'],
  },
  { name: 'predict-growth-autoscaling', args: ['predict', '--instance', 'c6a.large', '--tasks', '5', '--workers', '2', '--scenario', `${SCENARIOS}/growth.json`, '--replications', '2', '--json'] },
  {
    name: 'plan-small-grid-autoscaling',
    args: ['plan', '--slo-error-rate', '1%', '--slo-p95-ms', '15000', '--instance-types', 'c6a.large', '--max-instances', '2', '--workers', '2', '--scenario', `${SCENARIOS}/growth.json`, '--replications', '2', '--threads', '1', '--json'],
  },
  // A short fit on two recorded local-stack runs (the calibrate side of the one aggregation of replications).
  {
    name: 'calibrate-local-runs',
    args: [
      'calibrate', '--run', 'test/calibrate/fixtures/local-2x2-burst60/summary.json', '--run', 'test/calibrate/fixtures/local-2x2-burst150/summary.json',
      '--calibration', 'local-stack', '--fit', 'service.walkCpuPerFileMs', '--max-evaluations', '8', '--replications', '2', '--no-leave-one-out', '--json',
    ],
  },
  { name: 'verify', args: ['verify', '--replications', '4', '--json'] },
  // What the live generator would send (schedule totals and flows), without sending anything.
  { name: 'validate-dry-run-incident', args: ['validate', '--url', 'http://127.0.0.1:9/', '--dry-run', '--json'] },
  { name: 'validate-dry-run-constant-3-per-s', args: ['validate', '--url', 'http://127.0.0.1:9/', '--dry-run', '--json', '--scenario', `${SCENARIOS}/constant-3-per-s.json`] },
  { name: 'validate-dry-run-replay', args: ['validate', '--url', 'http://127.0.0.1:9/', '--dry-run', '--json', '--scenario', `${SCENARIOS}/replay.json`] },
];
