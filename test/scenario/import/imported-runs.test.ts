// An imported scenario runs unchanged in predict, plan and validate: validate replays the imported offsets
// against a local index (real HTTP on loopback), each install with the requests of its kind's flow.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runAlbImport } from '../../../src/scenario/import/run-import.js';
import { loadScenario } from '../../../src/scenario/load.js';
import { startTinyIndex } from '../../live/helpers/tiny-index.js';
import { runCliAsync } from '../../plan/run-cli-async.js';
import { albLogLine, type LoggedCall, writeLog } from './alb-log-writer.js';
import { callsOf, type FixtureInstall, loggedInAnswerOrder, PIP_UA, POETRY_UA, SEED_UA } from './install-calls.js';

const dir = mkdtempSync(join(tmpdir(), 'capsim-imported-runs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const T0 = Date.UTC(2025, 5, 3, 10, 30, 0);

describe('an imported scenario in predict, plan and validate', () => {
  it('runs in all three; validate starts each install at its imported offset with the requests of its kind', async () => {
    // 24 installs from 3 CI hosts over 3 s (8 at once, then one every 125 ms): pip with the index root,
    // poetry, and the seed tool, interleaved.
    const kinds = [
      { client: '10.9.3.1', userAgent: PIP_UA, flow: 'pip-root-index' },
      { client: '10.9.3.2', userAgent: POETRY_UA, flow: 'poetry' },
      { client: '10.9.3.1', userAgent: PIP_UA, flow: 'pip-root-index' },
      { client: '10.9.3.3', userAgent: SEED_UA, flow: 'seed-tool' },
    ] as const;
    const installs: FixtureInstall[] = Array.from({ length: 24 }, (_, k) => ({
      ...kinds[k % 4],
      project: `pkg-${String(k % 10).padStart(3, '0')}`,
      startMs: T0 + (k < 8 ? k : 1000 + (k - 8) * 125),
    }));
    // And 4 downloads with no index page before them (poetry installing from its lock file).
    const lone = [0, 1, 2, 3].map((k): LoggedCall => ({
      receivedMs: T0 + 3100 + k * 100,
      answeredMs: T0 + 3120 + k * 100,
      client: '10.9.3.2',
      clientPort: 47000 + k,
      target: '10.0.1.10:8080',
      targetProcessingS: 0.018,
      elbStatus: 200,
      targetStatus: 200,
      sentBytes: 1263,
      path: `/packages/pkg_00${k}-2.0.0-py3-none-any.whl`,
      userAgent: POETRY_UA,
    }));
    mkdirSync(join(dir, 'logs'));
    writeLog(join(dir, 'logs', 'node.log'), loggedInAnswerOrder([...installs.flatMap((i) => callsOf(i, ['10.0.1.10:8080'])), ...lone]).map(albLogLine));
    const out = join(dir, 'imported.json');
    await runAlbImport({ paths: [join(dir, 'logs')], keepAddresses: false, repository: { projects: 10, versionsPerProject: 3 }, out, force: false, command: 'test' });
    const scenario = loadScenario(out);
    if (scenario.profile.executor !== 'replay') throw new Error('expected a replay');
    const offsets = scenario.profile.offsetsSeconds;
    expect(offsets).toEqual([...installs.map((i) => i.startMs), ...lone.map((c) => c.receivedMs)].map((t) => (t - T0) / 1000));
    expect(scenario.flowMix?.map((m) => [m.name, m.flow, m.share])).toEqual([
      ['pip-root-index', 'pip-root-index', 0.428571],
      ['poetry', 'poetry', 0.214286],
      ['seed-tool', 'seed-tool', 0.214286],
      ['download-only', 'download-only', 0.142857],
    ]);
    expect(scenario.flowMix?.map((m) => m.client.retryStatuses)).toEqual([[500, 503, 520, 527], [502, 503, 504], [], [502, 503, 504]]);
    const kindOf = (k: number) => scenario.flowMix![scenario.profile.executor === 'replay' ? scenario.profile.offsetsMix![k] : 0].flow;
    expect(offsets.map((_, k) => kindOf(k))).toEqual([...installs.map((i) => i.flow), ...lone.map(() => 'download-only')]);

    const index = await startTinyIndex();
    try {
      const runDir = join(dir, 'run');
      const [validate, predict, plan] = await Promise.all([
        runCliAsync(['validate', '--url', index.url, '--scenario', out, '--out-dir', runDir, '--diagnostics', 'none']),
        runCliAsync(['predict', '--scenario', out, '--instance', 'c6a.large', '--tasks', '2', '--workers', '2', '--replications', '2', '--json']),
        runCliAsync(['plan', '--scenario', out, '--slo-error-rate', '1%', '--slo-p95-ms', '20000', '--instance', 'c6a.large', '--max-instances', '1', '--workers', '2', '--replications', '2']),
      ]);
      expect(validate.stderr).not.toMatch(/capsim:/);
      expect(validate.code).toBe(0);
      expect(predict.code).toBe(0);
      expect(JSON.parse(predict.stdout).operations.mean).toBe(12 * 2 + 6 * 2 + 6 * 3 + 4);
      expect(plan.code).toBe(0);
      expect(plan.stdout).toMatch(/^RECOMMENDED: /m);

      const records = readFileSync(join(runDir, 'requests.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      const byInstall = new Map<number, Array<{ t: number; path: string }>>();
      for (const r of records) byInstall.set(r.install, [...(byInstall.get(r.install) ?? []), { t: r.t, path: r.path }]);
      expect(byInstall.size).toBe(28);
      // Install k of the run (in start order) is the k-th offset, and sends what its kind's flow sends.
      const paths = { 'pip-root-index': ['root', 'simple', 'file'], poetry: ['simple', 'file'], 'seed-tool': ['root', 'simple', 'simple', 'file'], 'download-only': ['file'] };
      const shape = (path: string) => (path.startsWith('/simple/') ? 'simple' : path.startsWith('/packages/') ? 'file' : /^\/[^/]+\/$/.test(path) ? 'root' : path);
      [...byInstall.keys()].sort((a, b) => a - b).forEach((install, k) => {
        const sent = byInstall.get(install)!;
        const first = Math.min(...sent.map((r) => r.t));
        // The generator sleeps until each offset: late by at most its timer and event-loop delay.
        expect(first).toBeGreaterThanOrEqual(offsets[k] - 0.001);
        expect(first).toBeLessThan(offsets[k] + 0.25);
        expect(sent.map((r) => shape(r.path))).toEqual(paths[kindOf(k) as keyof typeof paths]);
      });
    } finally {
      await index.close();
    }
  });
});
