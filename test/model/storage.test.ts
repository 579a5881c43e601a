import { describe, expect, it } from 'vitest';
import { binomial, Storage, sumOfLatencies } from '../../src/model/storage.js';
import { RngStreams } from '../../src/sim/rng.js';
import { INSTANT_DISK } from './parts.js';

const walk = { cpuMs: 0, fileStats: 4, directoryReads: 1, bytesRead: 2e6 };
const rng = () => 0.5;

describe('storage', () => {
  it('serves everything from the caches when the working set fits and nothing revalidates', () => {
    const io = new Storage(INSTANT_DISK).requestIo(walk, 1, rng);
    // 4 stats + 1 listing + 1 data read, all hits.
    expect(io).toEqual({ blockedMs: 0, serverOps: 0, lookups: 6, hits: 6 });
  });

  it('charges one round trip per metadata miss and a read plus transfer per data miss (exact with cv 0)', () => {
    const efs = new Storage({ kind: 'efs', attrCacheMissRate: 1, readdirMissRate: 1, metadataLatencyMs: 1.5, readLatencyMs: 3, latencyCv: 0, throughputMBps: 100 });
    // Full page cache: every stat and the listing revalidate (5 x 1.5 ms), the data is cached.
    expect(efs.requestIo(walk, 1, rng)).toEqual({ blockedMs: 7.5, serverOps: 5, lookups: 6, hits: 1 });
    // Empty page cache: the data read misses too: 3 ms + 2 MB at 100 MB/s = 23 ms more.
    expect(efs.requestIo(walk, 0, rng)).toEqual({ blockedMs: 30.5, serverOps: 6, lookups: 6, hits: 0 });
  });

  it('misses stats with attribute expiry or page-cache pressure, whichever comes first', () => {
    // attr miss 0.5, page cache holds half the working set: P(miss) = 0.5 + 0.5 x 0.5 = 0.75 per stat.
    const efs = new Storage({ kind: 'efs', attrCacheMissRate: 0.5, readdirMissRate: 0, metadataLatencyMs: 1, readLatencyMs: 0, latencyCv: 0, throughputMBps: 100 });
    const seeded = new RngStreams(1).stream('io');
    let misses = 0;
    const n = 2000;
    for (let i = 0; i < n; i++) misses += efs.requestIo({ cpuMs: 0, fileStats: 1, directoryReads: 0, bytesRead: 0 }, 0.5, seeded).serverOps;
    // Binomial: sd of the fraction sqrt(0.75 x 0.25 / 2000) = 0.0097; 4 sd.
    expect(Math.abs(misses / n - 0.75)).toBeLessThan(0.039);
  });

  it('draws binomials and sums of round trips exactly at the edges', () => {
    expect(binomial(10, 0, rng)).toBe(0);
    expect(binomial(10, 1, rng)).toBe(10);
    expect(binomial(0, 0.5, rng)).toBe(0);
    expect(sumOfLatencies(3, 2, 0, rng)).toBeCloseTo(6, 12);
    expect(sumOfLatencies(20, 2, 0, rng)).toBe(40);
    expect(sumOfLatencies(0, 2, 0.6, rng)).toBe(0);
  });
});
