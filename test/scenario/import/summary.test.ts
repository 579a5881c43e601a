import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importAlbLogs } from '../../../src/scenario/import/alb-import.js';
import { summarizeTraffic } from '../../../src/scenario/import/traffic-summary.js';
import { runCli } from '../../cli/run-cli.js';
import { BURST_AT, TARGETS, writeFixtureLog } from './fixture-log.js';

const dir = mkdtempSync(join(tmpdir(), 'capsim-import-summary-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fixture = writeFixtureLog(dir);

/** What the burst's requests did per target, counted from the fixture itself. */
function expectedShares() {
  const perTarget = new Map<string, { requests: number; seconds: number }>();
  for (const call of fixture.burstCalls) {
    if (call.target === null) continue;
    const t = perTarget.get(call.target) ?? { requests: 0, seconds: 0 };
    t.requests++;
    if (call.targetStatus !== null) t.seconds += call.targetProcessingS;
    perTarget.set(call.target, t);
  }
  const requests = [...perTarget.values()].reduce((n, t) => n + t.requests, 0);
  const seconds = [...perTarget.values()].reduce((n, t) => n + t.seconds, 0);
  return { perTarget, requests, seconds };
}

describe('capsim scenario import: the summary', () => {
  const json = runCli(['scenario', 'import', '--alb-logs', fixture.dir, '--json']);
  const text = runCli(['scenario', 'import', '--alb-logs', fixture.dir]);

  it('finds the burst: its start, size and duration, the installs and clients in it', () => {
    expect(json.stderr).toBe('');
    expect(json.code).toBe(0);
    const s = JSON.parse(json.stdout).summary;
    expect(s.bursts).toHaveLength(1);
    const burst = s.bursts[0];
    expect(burst.start).toBe(new Date(BURST_AT).toISOString());
    expect(burst.requests).toBe(fixture.burstCalls.length);
    expect(burst.installs).toBe(200);
    expect(burst.clients).toBe(3);
    const last = Math.max(...fixture.burstCalls.map((c) => c.receivedMs));
    expect(burst.durationSeconds).toBe(Math.floor(last / 1000) - BURST_AT / 1000 + 1);
    expect(s.requestsPerMinute.peak).toMatchObject({ minute: new Date(BURST_AT).toISOString(), requests: fixture.burstCalls.length });
    expect(s.requestsPerMinute.series).toHaveLength(60);
  });

  it('says where the burst went: each target\'s share of requests and of target processing time', () => {
    const s = JSON.parse(json.stdout).summary;
    const want = expectedShares();
    expect(s.targets.scope).toBe('bursts');
    expect(s.targets.requests).toBe(fixture.burstCalls.length);
    expect(s.targets.notDispatched).toBe(1);
    expect(s.targets.perTarget.map((t: { target: string }) => t.target)).toEqual([TARGETS.slow, TARGETS.middle, TARGETS.fast]);
    for (const t of s.targets.perTarget) {
      const w = want.perTarget.get(t.target)!;
      expect(t.requests).toBe(w.requests);
      expect(t.share).toBeCloseTo(w.requests / want.requests, 12);
      expect(t.targetSeconds).toBeCloseTo(w.seconds, 9);
      expect(t.targetTimeShare).toBeCloseTo(w.seconds / want.seconds, 9);
    }
    // 6 : 3 : 1 of the requests, and the slow target's 900 ms make it most of the time.
    expect(s.targets.perTarget[0].share).toBeCloseTo(0.6, 2);
    expect(s.targets.perTarget[0].targetTimeShare).toBeGreaterThan(0.8);
  });

  it('counts clients, user agents, status codes, installs, timeouts and malformed lines', () => {
    const s = JSON.parse(json.stdout).summary;
    expect(s.input).toMatchObject({ files: 2, entries: fixture.calls.length, malformed: 2, late: 0 });
    expect(s.input.malformedExamples.map((m: { line: number }) => m.line).sort((a: number, b: number) => a - b)).toEqual([11, 31]);
    expect(s.input.malformedExamples[0].text).not.toMatch(/10\.9\.0\.11/);
    expect(s.clients).toMatchObject({ count: 6, addresses: 'hashed' });
    expect(JSON.stringify(s)).not.toMatch(/10\.9\.[0-9]+\.[0-9]+/);
    expect(s.userAgents.map((a: { agent: string }) => a.agent)).toEqual(['pip/25.3', 'curl/8.5.0', '-']);
    expect(s.statusCodes.elb).toEqual({ '101': 1, '200': fixture.calls.filter((c) => c.elbStatus === 200).length, '303': fixture.baselineInstalls.length + 200, '460': 1, '503': 1, '504': 2 });
    expect(s.installs).toMatchObject({ total: fixture.baselineInstalls.length + 200, completed: fixture.baselineInstalls.length + 200, retries: 0, websockets: 1 });
    expect(s.installs.byCategory['pip-root-index']).toBe(fixture.baselineInstalls.length + 200);
    expect(s.installs.single).toEqual({ welcome: 4, listing: 1 });
    expect(s.timeouts.http504).toEqual({ count: 2, medianSeconds: 60, maxSeconds: 60 });
    expect(s.timeouts.http460).toEqual([{ family: 'other', count: 1, medianSeconds: 15, maxSeconds: 15 }]);
    expect(s.projects.distinct).toBe(90);
  });

  it('prints the same for people', () => {
    expect(text.code).toBe(0);
    const out = text.stdout;
    expect(out).toMatch(/read 2 file\(s\), .*: \d[\d,]* lines, [\d,]+ entries, 2 malformed/);
    expect(out).toMatch(/line 11: type "this" is not one of http/);
    expect(out).toMatch(/^bursts: 1$/m);
    const burstRow = out.split('\n').find((line) => line.startsWith('2025-06-03 10:35:00Z'));
    expect(burstRow).toBeDefined();
    expect(burstRow!.split(/\s{2,}/).slice(1, 5)).toEqual(['+2,095 s', expect.stringMatching(/^\d+ s$/), String(fixture.burstCalls.length), '200']);
    const want = expectedShares();
    const slowRow = out.split('\n').find((line) => line.startsWith(TARGETS.slow))!;
    expect(slowRow).toContain(`${((want.perTarget.get(TARGETS.slow)!.requests / want.requests) * 100).toFixed(1)} %`);
    expect(out).toMatch(/where the bursts went: [\d,]+ requests during bursts, by target \(1 reached no target\)/);
    expect(out).toMatch(/client timeouts seen: 504 x 2 \(after a median 60 s\); 460 x 1 from other/);
    expect(out).toMatch(/no scenario written: give --out FILE\.json/);
    expect(out).not.toMatch(/10\.9\.[0-9]+\.[0-9]+/);
  });

  it('shows client addresses with --keep-addresses, and the same hashes for the same logs', async () => {
    const result = await importAlbLogs({ paths: [fixture.dir] });
    const kept = summarizeTraffic(result, { paths: [fixture.dir], keepAddresses: true });
    expect(kept.clients.addresses).toBe('kept');
    expect(kept.clients.top.map((c) => c.client)).toContain('10.9.1.1');
    const hashed = summarizeTraffic(result, { paths: [fixture.dir], keepAddresses: false });
    expect(hashed.clients.top.map((c) => c.client)).toEqual(JSON.parse(json.stdout).summary.clients.top.map((c: { client: string }) => c.client));
  });
});
