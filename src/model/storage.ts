import { standardNormal } from '../sim/distributions.js';
import type { Uniform } from '../sim/rng.js';
import type { ServiceDemand } from './service-demand.js';

export const STORAGE_KINDS = ['efs', 'local'] as const;
export type StorageKind = (typeof STORAGE_KINDS)[number];

/** The blocking file-system time of one request and what it cost the file server. */
export interface IoOutcome {
  /** Time the worker process is blocked in file-system calls, ms. */
  blockedMs: number;
  /** Operations that went to the file server (NFS round trips or disk reads). */
  serverOps: number;
  /** Cacheable lookups (stats, listings, reads) and how many hit the caches. */
  lookups: number;
  hits: number;
}

/** The file server's behaviour, resolved for one storage kind (times in ms). */
export interface StorageOptions {
  kind: StorageKind;
  /** Fraction of per-file stats that revalidate with the server even with plenty of memory (0 on a local disk). */
  attrCacheMissRate: number;
  /** Fraction of directory listings that go to the server (0 on a local disk). */
  readdirMissRate: number;
  /** Mean round trip of a metadata operation that misses the caches. */
  metadataLatencyMs: number;
  /** Mean round trip of a data read that misses the page cache. */
  readLatencyMs: number;
  /** Coefficient of variation of round trips (lognormal). */
  latencyCv: number;
  /** Read throughput for data reads, MB/s. */
  throughputMBps: number;
}

/**
 * Packages on EFS (NFS v4.1) or, for the local test stack, a local disk.
 * Each metadata operation misses the client caches with a probability made of
 * the NFS attribute-cache revalidation and of page-cache pressure (cache size
 * vs the repository's working set); a miss costs a round trip. File-system
 * calls block the whole worker process: gevent does not make them cooperative.
 */
export class Storage {
  readonly kind: StorageKind;

  constructor(private readonly o: StorageOptions) {
    this.kind = o.kind;
  }

  /** Mean operations one request sends to the file server (NFS round trips or disk reads): requestIo's expectation. */
  expectedServerOps(demand: ServiceDemand, pageCacheFraction: number): number {
    const memMiss = 1 - Math.max(0, Math.min(1, pageCacheFraction));
    const attrMiss = this.o.attrCacheMissRate;
    const dirMiss = this.o.readdirMissRate;
    return demand.fileStats * (attrMiss + (1 - attrMiss) * memMiss) + demand.directoryReads * (dirMiss + (1 - dirMiss) * memMiss) + (demand.bytesRead > 0 ? memMiss : 0);
  }

  /** Blocking I/O of one request, given the fraction of the working set the page cache holds. */
  requestIo(demand: ServiceDemand, pageCacheFraction: number, rng: Uniform): IoOutcome {
    const o = this.o;
    const memMiss = 1 - Math.max(0, Math.min(1, pageCacheFraction));
    const attrMiss = o.attrCacheMissRate;
    const dirMiss = o.readdirMissRate;
    const statMissP = attrMiss + (1 - attrMiss) * memMiss;
    const dirMissP = dirMiss + (1 - dirMiss) * memMiss;
    const statMisses = binomial(demand.fileStats, statMissP, rng);
    const dirMisses = binomial(demand.directoryReads, dirMissP, rng);
    let blocked = sumOfLatencies(statMisses + dirMisses, o.metadataLatencyMs, o.latencyCv, rng);
    let dataMiss = 0;
    if (demand.bytesRead > 0 && rng() < memMiss) {
      dataMiss = 1;
      blocked += o.readLatencyMs + (demand.bytesRead / 1e6 / o.throughputMBps) * 1000;
    }
    const lookups = demand.fileStats + demand.directoryReads + (demand.bytesRead > 0 ? 1 : 0);
    const misses = statMisses + dirMisses + dataMiss;
    return { blockedMs: blocked, serverOps: misses, lookups, hits: lookups - misses };
  }
}

/** A binomial draw: exact for small n p (1 - p), normal approximation otherwise. */
export function binomial(n: number, p: number, rng: Uniform): number {
  if (n <= 0 || p <= 0) return 0;
  if (p >= 1) return n;
  const variance = n * p * (1 - p);
  if (variance > 9) {
    const x = Math.round(n * p + Math.sqrt(variance) * standardNormal(rng));
    return Math.max(0, Math.min(n, x));
  }
  if (n * p < 20) {
    // Count successes by inversion of geometric gaps: O(successes), not O(n).
    let count = 0;
    let position = 0;
    const logQ = Math.log(1 - p);
    for (;;) {
      position += Math.floor(Math.log(1 - rng()) / logQ) + 1;
      if (position > n) return count;
      count++;
    }
  }
  let count = 0;
  for (let i = 0; i < n; i++) if (rng() < p) count++;
  return count;
}

/** Sum of k lognormal round trips of the given mean and coefficient of variation. */
export function sumOfLatencies(k: number, mean: number, cv: number, rng: Uniform): number {
  if (k <= 0) return 0;
  if (k > 8) {
    const sd = Math.sqrt(k) * cv * mean;
    return Math.max(0, k * mean + sd * standardNormal(rng));
  }
  const sigma = Math.sqrt(Math.log(1 + cv * cv));
  const mu = Math.log(mean) - (sigma * sigma) / 2;
  let total = 0;
  for (let i = 0; i < k; i++) total += Math.exp(mu + sigma * standardNormal(rng));
  return total;
}
