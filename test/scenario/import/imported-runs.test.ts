// An imported scenario runs unchanged in predict, plan and validate: validate replays the imported offsets
// against a local index (real HTTP on loopback) with the requests of the flow.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runAlbImport } from '../../../src/scenario/import/run-import.js';
import { loadScenario } from '../../../src/scenario/load.js';
import { readReplayOffsets } from '../../../src/scenario/replay-offsets.js';
import { startTinyIndex } from '../../live/helpers/tiny-index.js';
import { runCliAsync } from '../../plan/run-cli-async.js';
import { albLogLine, writeLog } from './alb-log-writer.js';
import { callsOf, type FixtureInstall, loggedInAnswerOrder, PIP_UA } from './install-calls.js';

const dir = mkdtempSync(join(tmpdir(), 'capsim-imported-runs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const T0 = Date.UTC(2025, 5, 3, 10, 30, 0);

describe('an imported scenario in predict, plan and validate', () => {
  it('runs in all three; validate starts the installs at the imported offsets with pip\'s requests', async () => {
    // 24 pip installs from 3 CI hosts over 3 s: 8 at once, then one every 125 ms.
    const installs: FixtureInstall[] = Array.from({ length: 24 }, (_, k) => ({
      client: `10.9.3.${k % 3}`,
      userAgent: PIP_UA,
      flow: 'pip-root-index',
      project: `pkg-${String(k % 10).padStart(3, '0')}`,
      startMs: T0 + (k < 8 ? k : 1000 + (k - 8) * 125),
    }));
    mkdirSync(join(dir, 'logs'));
    writeLog(join(dir, 'logs', 'node.log'), loggedInAnswerOrder(installs.flatMap((i) => callsOf(i, ['10.0.1.10:8080']))).map(albLogLine));
    const out = join(dir, 'imported.json');
    await runAlbImport({ paths: [join(dir, 'logs')], keepAddresses: false, repository: { projects: 10, versionsPerProject: 3 }, out, force: false, command: 'test' });
    const scenario = loadScenario(out);
    if (scenario.profile.executor !== 'replay') throw new Error('expected a replay');
    const offsets = readReplayOffsets(scenario.profile.file);
    expect(offsets).toEqual(installs.map((i) => (i.startMs - T0) / 1000));

    const index = await startTinyIndex();
    try {
      const runDir = join(dir, 'run');
      const [validate, predict, plan] = await Promise.all([
        runCliAsync(['validate', '--url', index.url, '--scenario', out, '--out', runDir, '--diagnostics', 'none']),
        runCliAsync(['predict', '--scenario', out, '--instance', 'c6a.large', '--tasks', '2', '--workers', '2', '--replications', '2', '--json']),
        runCliAsync(['plan', '--scenario', out, '--slo-error-rate', '1%', '--slo-p95-ms', '20000', '--instance-types', 'c6a.large', '--max-instances', '1', '--workers', '2', '--replications', '2']),
      ]);
      expect(validate.stderr).not.toMatch(/capsim:/);
      expect(validate.code).toBe(0);
      expect(predict.code).toBe(0);
      expect(JSON.parse(predict.stdout).operations.mean).toBe(24 * 2);
      expect(plan.code).toBe(0);
      expect(plan.stdout).toMatch(/^RECOMMENDED: /m);

      const records = readFileSync(join(runDir, 'requests.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      const firsts = new Map<number, { t: number; path: string }>();
      for (const r of records) if (!firsts.has(r.install) || r.t < firsts.get(r.install)!.t) firsts.set(r.install, { t: r.t, path: r.path });
      expect(firsts.size).toBe(24);
      const starts = [...firsts.values()].map((f) => f.t).sort((a, b) => a - b);
      // The generator sleeps until each offset: late by at most its timer and event-loop delay.
      starts.forEach((t, k) => {
        expect(t).toBeGreaterThanOrEqual(offsets[k] - 0.001);
        expect(t).toBeLessThan(offsets[k] + 0.25);
      });
      expect([...firsts.values()].every((f) => /^\/pkg-\d{3}\/$/.test(f.path))).toBe(true);
      expect(records.filter((r) => r.path.startsWith('/packages/')).length).toBe(24);
    } finally {
      await index.close();
    }
  });
});
