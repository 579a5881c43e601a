// NFS client counters: /proc/self/mountstats parsed (fixtures written from the kernel's format: see
// fixtures/README.md), the change over a burst, the diagnostics script's section, and per request beside the model.
import { readFileSync } from 'node:fs';
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { loadCalibration } from '../../src/calibrate/calibration-file.js';
import { expectedServerOpsPerRequest } from '../../src/model/nfs-per-request.js';
import { serviceDemand } from '../../src/model/service-demand.js';
import { ModelUnits } from '../../src/model/parameters.js';
import { serviceCosts, storageOptions } from '../../src/model/stack.js';
import { Storage } from '../../src/model/storage.js';
import { parseHostSections, splitSections } from '../../src/live/diagnostics/script.js';
import { nfsSummary } from '../../src/live/nfs-summary.js';
import { mountstatsDelta, parseMountstats } from '../../src/live/parsers/mountstats.js';
import type { TimelineSecond } from '../../src/live/summary.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const before = fixture('mountstats-before.txt');
const after = fixture('mountstats-after.txt');

describe('/proc/self/mountstats', () => {
  it('reads the NFS mounts only, with every per-op counter', () => {
    const mounts = parseMountstats(before);
    expect(mounts.map((m) => [m.device, m.mountPoint, m.fstype])).toEqual([['fs-0123456789abcdef0.efs.eu-west-1.amazonaws.com:/', '/mnt/efs', 'nfs4']]);
    expect(mounts[0].ops.LOOKUP).toEqual({ ops: 71197, transmissions: 71197, timeouts: 0, bytesSent: 17087280, bytesReceived: 21359100, queueMs: 520, rttMs: 85436, executeMs: 86600, errors: 1204 });
    expect(Object.keys(mounts[0].ops)).toHaveLength(54);
  });

  it('gives the change over the window per reported operation, with mean round trips', () => {
    const [delta] = mountstatsDelta(before, after);
    expect(delta.seconds).toBe(5);
    expect(delta.ops).toEqual({
      LOOKUP: { ops: 2847, meanRttMs: (88853 - 85436) / 2847, errors: 48 },
      GETATTR: { ops: 1665, meanRttMs: (47624 - 45793) / 1665, errors: 0 },
      READDIR: { ops: 153, meanRttMs: (9584 - 9216) / 153, errors: 0 },
      ACCESS: { ops: 156, meanRttMs: (4475 - 4303) / 156, errors: 0 },
      READ: { ops: 96, meanRttMs: (7512 - 7224) / 96, errors: 0 },
    });
    expect(delta.totalOps).toBeGreaterThan(2847 + 1665 + 153 + 156 + 96);
    expect(mountstatsDelta(after, before)).toEqual([]); // counters that go down: a remount, skipped
    expect(mountstatsDelta(before, '')).toEqual([]);
  });

  it('comes back from the diagnostics script as the nfs section, parsed per host; no NFS mount is not an error', () => {
    const stdout = ['@@capsim-section nfs rc=0', before + '@@capsim-mountstats-after', after].join('\n');
    const host = parseHostSections('i-0aaaaaaaaaaaaaaa1', splitSections(stdout, 5), 'a', 'b');
    expect(host.errors.filter((e) => e.startsWith('nfs'))).toEqual([]);
    expect(host.parsed.nfs![0].ops.GETATTR.ops).toBe(1665);
    const none = parseHostSections('localhost', splitSections('@@capsim-section nfs rc=0\n@@capsim-mountstats-after\n', 5), 'a', 'b');
    expect(none.parsed.nfs).toEqual([]);
  });

  it('per request: the burst window\'s operations over the HTTP requests completed in it, beside the model', () => {
    const host = parseHostSections('i-1', splitSections(['@@capsim-section nfs rc=0', before + '@@capsim-mountstats-after', after].join('\n'), 5), 'a', 'b');
    const start = Date.parse('2026-12-01T10:00:00.000Z');
    const timeline: TimelineSecond[] = Array.from({ length: 10 }, (_, second) => ({
      second, requests_sent: 0, requests_completed: 100, responses: 100, errors: 0, operations: 0, failures: 0, status_5xx: 0, timeouts: 0, connection_errors: 0, latency_p95: null,
    }));
    const collection = { source: 'ssm' as const, trigger: { label: 'burst iteration 5', atSeconds: 2 }, startedAt: '2026-12-01T10:00:02.000Z', finishedAt: '2026-12-01T10:00:07.000Z', hosts: [host], errors: [] };
    const summary = nfsSummary([collection], timeline, start, 12.5, 'published-2025')!;
    expect(summary.bursts[0]).toMatchObject({ burst: 'burst iteration 5', hosts: 1, mounts: 1, httpRequests: 500 });
    expect(summary.bursts[0].perRequest).toBeCloseTo((2847 + 1665 + 153 + 156 + 96) / 500, 12);
    expect(summary.predictedPerRequest).toBe(12.5);
    expect(nfsSummary([{ ...collection, hosts: [] }], timeline, start, 1, 'x')).toBeNull();
  });
});

describe('the model\'s file-server operations per request', () => {
  const params = loadCalibration('published-2025').params;
  const repository = { projects: 100, versionsPerProject: 3, wheelBytes: 50000, versionPick: 'latest' as const };

  it('is the mean of what requestIo draws', () => {
    const u = new ModelUnits(params);
    const storage = new Storage(storageOptions('efs', u));
    const demand = serviceDemand('simple', repository, serviceCosts(u));
    const rng = seedrandom('nfs');
    let total = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) total += storage.requestIo(demand, 0.7, rng).serverOps;
    expect(total / n).toBeCloseTo(storage.expectedServerOps(demand, 0.7), 0);
  });

  it('follows the flow and the repository: more files, more operations; none on the local disk', () => {
    const efs = expectedServerOpsPerRequest('pip-root-index', repository, 'efs', params);
    const bigger = expectedServerOpsPerRequest('pip-root-index', { ...repository, files: 3000 }, 'efs', params);
    expect(bigger).toBeGreaterThan(5 * efs);
    expect(expectedServerOpsPerRequest('pip-root-index', repository, 'local', params)).toBe(0);
  });
});
