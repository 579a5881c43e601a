import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importAlbLogs } from '../../../src/scenario/import/alb-import.js';
import { runAlbImport } from '../../../src/scenario/import/run-import.js';
import { parseDuration, parseTimeFlag } from '../../../src/scenario/import/time-window.js';
import { loadScenario } from '../../../src/scenario/load.js';
import { runCliAsync } from '../../plan/run-cli-async.js';
import { BURST_AT, T0, writeFixtureLog } from './fixture-log.js';

const dir = mkdtempSync(join(tmpdir(), 'capsim-import-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fixture = writeFixtureLog(join(dir, 'fixture'));

describe('capsim scenario import: windows and the written scenario', () => {
  it('--busiest 10m keeps the ten minutes with the most requests, the burst inside', async () => {
    const r = await importAlbLogs({ paths: [fixture.dir], window: { busiestSeconds: 600 } });
    expect(r.window.how).toBe('busiest');
    expect(r.window.toMs - r.window.fromMs).toBe(600_000);
    const inWindow = (ms: number) => ms >= r.window.fromMs && ms < r.window.toMs;
    expect(fixture.burstCalls.every((c) => inWindow(c.receivedMs))).toBe(true);
    expect(r.counters.requests).toBe(fixture.calls.filter((c) => inWindow(c.receivedMs)).length);
    // No other ten minutes (at one-second steps) hold more.
    const seconds = fixture.calls.map((c) => Math.floor(c.receivedMs / 1000));
    let most = 0;
    for (let s = Math.min(...seconds); s <= Math.max(...seconds); s++) most = Math.max(most, seconds.filter((x) => x >= s && x < s + 600).length);
    expect(r.counters.requests).toBe(most);
    // The earliest such window: one a second earlier holds fewer.
    const from = r.window.fromMs / 1000;
    expect(seconds.filter((x) => x >= from - 1 && x < from + 599).length).toBeLessThan(most);
  });

  it('--from / --to keep the requests received in between, and the installs that start there', async () => {
    const from = BURST_AT - 120_000;
    const to = BURST_AT + 1_000;
    const r = await importAlbLogs({ paths: [fixture.dir], window: { fromMs: from, toMs: to } });
    expect(r.counters.requests).toBe(fixture.calls.filter((c) => c.receivedMs >= from && c.receivedMs < to).length);
    const starts = [...fixture.baselineInstalls, ...fixture.burstInstalls].map((i) => i.startMs).filter((t) => t >= from && t < to);
    expect(r.installs.length).toBe(starts.length);
    expect(r.installs.length).toBe(100 + fixture.baselineInstalls.filter((i) => i.startMs >= from && i.startMs < to).length);
  });

  it('writes a replay scenario that loads, with provenance and no client address', async () => {
    const out = join(dir, 'out', 'ci-burst.json');
    const outcome = await runAlbImport({ paths: [fixture.dir], window: { busiestSeconds: 600 }, keepAddresses: false, repository: { projects: 100, versionsPerProject: 3 }, out, force: false, command: 'capsim scenario import ...' });
    const scenario = loadScenario(out);
    expect(scenario.name).toBe('ci-burst');
    expect(scenario.flow).toBe('pip-root-index');
    expect(scenario.client).toEqual(loadScenario('pip-burst').client);
    // The log has no cookies: pip's installs are taken as separate processes, one jar each, and the import says so.
    expect(scenario.client.cookies).toBe('per-install');
    expect(outcome.built.notes).toContainEqual(expect.stringMatching(/^cookie jar assumed from each kind's client \(pip-root-index one jar per install\): an access log records no cookies/));
    expect(scenario.repository).toEqual({ projects: 100, versionsPerProject: 3, wheelBytes: 50263, versionPick: 'latest' });
    if (scenario.profile.executor !== 'replay') throw new Error('expected a replay');
    expect(scenario.profile.file).toBe(join(dir, 'out', 'ci-burst.offsets'));
    const offsets = scenario.profile.offsetsSeconds;
    expect(offsets.length).toBe(outcome.summary.installs.total);
    const firstRequest = Date.parse(outcome.summary.firstRequest);
    const wanted = [...fixture.baselineInstalls, ...fixture.burstInstalls].map((i) => i.startMs).filter((t) => t >= firstRequest && t < Date.parse(outcome.summary.window.to));
    expect(offsets).toEqual(wanted.map((t) => Math.round(t - firstRequest) / 1000).sort((a, b) => a - b));
    const file = JSON.parse(readFileSync(out, 'utf8'));
    expect(file.provenance).toMatchObject({ source: 'alb-access-logs', paths: [fixture.dir], files: 2, clientAddresses: 'hashed', malformedLines: 2 });
    expect(file.provenance.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(file.provenance.window).toMatchObject({ how: 'busiest', seconds: 600 });
    expect(file.provenance.flowMix).toEqual([{ name: 'pip-root-index', category: 'pip-root-index', flow: 'pip-root-index', installs: offsets.length, share: 1, family: 'pip' }]);
    expect(file.flowMix).toBeUndefined();
    expect(file.provenance.projects.popularity[0]).toMatchObject({ installs: expect.any(Number), share: expect.any(Number) });
    expect(readFileSync(out, 'utf8') + readFileSync(scenario.profile.file, 'utf8')).not.toMatch(/10\.9\.[0-9]+\.[0-9]+/);
    expect(file.provenance.topClients[0].client).toMatch(/^client-[0-9a-f]{10}$/);
    // With --keep-addresses the file keeps them.
    const kept = join(dir, 'out', 'kept.json');
    await runAlbImport({ paths: [fixture.dir], window: { busiestSeconds: 600 }, keepAddresses: true, repository: {}, out: kept, force: false, command: 'capsim scenario import ...' });
    expect(JSON.parse(readFileSync(kept, 'utf8')).provenance).toMatchObject({ clientAddresses: 'kept', topClients: expect.arrayContaining([expect.objectContaining({ client: '10.9.1.1' })]) });
    // --cookies states the jar instead; the note says it was stated.
    const shared = join(dir, 'out', 'shared.json');
    const stated = await runAlbImport({ paths: [fixture.dir], window: { busiestSeconds: 600 }, keepAddresses: false, repository: {}, cookies: 'shared', out: shared, force: false, command: 'capsim scenario import ...' });
    expect(loadScenario(shared).client.cookies).toBe('shared');
    expect(stated.built.notes).toContain('cookie jar shared (--cookies) for every kind of install: one jar shared by its installs');
    // The same logs give the same files, byte for byte.
    const again = join(dir, 'out', 'again.json');
    await runAlbImport({ paths: [fixture.dir], window: { busiestSeconds: 600 }, keepAddresses: false, repository: { projects: 100, versionsPerProject: 3 }, out: again, name: 'ci-burst', force: false, command: 'capsim scenario import ...' });
    expect(readFileSync(again, 'utf8').replaceAll('again.offsets', 'ci-burst.offsets')).toBe(readFileSync(out, 'utf8'));
    expect(readFileSync(join(dir, 'out', 'again.offsets'), 'utf8')).toBe(readFileSync(scenario.profile.file, 'utf8'));
  });

  it('refuses bad requests with one clear message', async () => {
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    const corrupt = join(dir, 'corrupt.log.gz');
    writeFileSync(corrupt, Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0]), Buffer.alloc(64, 7)]));
    const existing = join(dir, 'exists.json');
    writeFileSync(existing, '{}');
    for (const [call, message] of [
      [() => importAlbLogs({ paths: [join(dir, 'nowhere')] }), /nowhere does not exist/],
      [() => importAlbLogs({ paths: [empty] }), /directory .*empty holds no log files/],
      [() => importAlbLogs({ paths: [corrupt] }), /corrupt\.log\.gz cannot be read as gzip/],
      [() => importAlbLogs({ paths: [fixture.dir], window: { fromMs: BURST_AT, toMs: BURST_AT - 1 } }), /--to .* must be after --from/],
      [() => importAlbLogs({ paths: [fixture.dir], window: { fromMs: T0 - 7_200_000, toMs: T0 - 3_600_000 } }), /no request in the window 2025-06-03T08:00:00.000Z to 2025-06-03T09:00:00.000Z; the logs cover/],
      [() => runAlbImport({ paths: [fixture.dir], keepAddresses: false, repository: {}, out: existing, force: false, command: '' }), /exists\.json exists; give --force/],
      [() => runAlbImport({ paths: [fixture.dir], keepAddresses: false, repository: {}, out: join(dir, 'x.yaml'), force: false, command: '' }), /--out must name a \.json file/],
    ] as Array<[() => Promise<unknown>, RegExp]>) {
      await expect(call()).rejects.toThrow(message);
    }
    expect(() => parseDuration('busiest', '0m')).toThrow(/--busiest must be at least 1 s, got "0m"/);
    expect(() => parseDuration('busiest', 'ten minutes')).toThrow(/--busiest must be a duration like 10m/);
    expect(parseDuration('busiest', '1h30m')).toBe(5400);
    expect(() => parseTimeFlag('from', '10:30')).toThrow(/--from must be an ISO 8601 time/);
    expect(parseTimeFlag('from', '2025-06-03 10:30')).toBe(Date.UTC(2025, 5, 3, 10, 30));
    expect(parseTimeFlag('to', '2025-06-03T12:30:00+02:00')).toBe(Date.UTC(2025, 5, 3, 10, 30));
  });

  it('imports a RequestCount export, and exits 2 with one line for a file that is not an ALB log, an empty directory, --busiest 0m', async () => {
    const nginx = join(dir, 'access.log');
    writeFileSync(nginx, '127.0.0.1 - - [03/Jun/2025:10:30:00 +0000] "GET / HTTP/1.1" 200 612 "-" "curl/8.0"\n'.repeat(3));
    const empty = join(dir, 'empty-cli');
    mkdirSync(empty);
    const csv = join(dir, 'request-count.csv');
    writeFileSync(csv, 'Timestamp,RequestCount\n2025-06-03T10:28:00Z,30\n2025-06-03T10:29:00Z,1210\n');
    const cloudwatchOut = join(dir, 'cw.json');
    const [cloudwatch, ...runs] = await Promise.all([
      runCliAsync(['scenario', 'import', '--cloudwatch', csv, '--within-minute', 'uniform', '--out', cloudwatchOut]),
      runCliAsync(['scenario', 'import', '--alb-logs', nginx]),
      runCliAsync(['scenario', 'import', '--alb-logs', empty]),
      runCliAsync(['scenario', 'import', '--alb-logs', fixture.dir, '--busiest', '0m']),
      runCliAsync(['scenario', 'import', '--alb-logs', fixture.dir, '--cloudwatch', csv]),
    ]);
    expect(cloudwatch.stderr).toBe('');
    expect(cloudwatch.stdout).toMatch(/requests: 1,240; peak 1,210 in the period from 2025-06-03 10:29:00Z/);
    expect(cloudwatch.stdout).toMatch(/installs: 413\.333 of pip-root-index \(3 requests each\), started evenly over each period/);
    expect(loadScenario(cloudwatchOut).profile.executor).toBe('ramping-arrival-rate');
    expect(loadScenario(cloudwatchOut).client.cookies).toBe('per-install');
    expect(cloudwatch.stdout).toMatch(/note: cookie jar assumed from each kind's client \(pip-root-index one jar per install\)/);
    const patterns = [
      /access\.log is not an ALB access log: no line is an entry \(.*line 1: type "127\.0\.0\.1" is not one of/,
      /directory .*empty-cli holds no log files/,
      /--busiest must be at least 1 s/,
      /--cloudwatch=.* cannot also be provided when using --alb-logs|cannot also be provided/,
    ];
    runs.forEach((r, k) => {
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(patterns[k]);
      expect(r.stderr).not.toMatch(/\s+at\s+\S+:\d+/);
    });
    expect(existsSync(join(dir, 'exists.offsets'))).toBe(false);
  });
});
