import { LogNormal } from '../sim/distributions.js';
import { FLOW_REQUEST_KINDS } from '../scenario/flows.js';
import { repositoryFiles } from '../scenario/repository.js';
import type { Repository } from '../scenario/types.js';

/** The requests a task serves: a flow's, and the balancer's health check. */
export const REQUEST_KINDS = [...FLOW_REQUEST_KINDS, 'health'] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];

/** What one request asks of a worker, before contention: CPU and file-system work. */
export interface ServiceDemand {
  /** Mean CPU, core-ms. */
  cpuMs: number;
  /** Per-file metadata operations (stat / LOOKUP / GETATTR) of the directory walks. */
  fileStats: number;
  /** Directory listings (READDIR). */
  directoryReads: number;
  /** File bytes read (hashed for the simple page, sent for a wheel). */
  bytesRead: number;
}

/** pypiserver's per-request work (service.* parameters), CPU in core-ms. */
export interface ServiceCosts {
  requestCpuMs: number;
  walkCpuPerFileMs: number;
  hashCpuMsPerMB: number;
  sendCpuMsPerMB: number;
  redirectWalks: number;
  simpleWalks: number;
  wheelWalks: number;
  healthWalks: number;
}

/**
 * pypiserver with `--backend simple-dir` (docs/stack.md, "The index"): every
 * request walks the whole package directory (one listing, a stat and a regex
 * per file); the simple page also hashes each of the project's files; a
 * download reads and sends the wheel. The health checks request the welcome
 * page `/`, which counts the packages: `healthWalks` walks (1 as deployed).
 */
export function serviceDemand(kind: RequestKind, repo: Repository, c: ServiceCosts): ServiceDemand {
  const files = repositoryFiles(repo);
  const walk = (walks: number) => ({
    cpu: walks * files * c.walkCpuPerFileMs,
    stats: walks * files,
    dirs: walks,
  });
  switch (kind) {
    case 'health': {
      const w = walk(c.healthWalks);
      return { cpuMs: c.requestCpuMs + w.cpu, fileStats: w.stats, directoryReads: w.dirs, bytesRead: 0 };
    }
    case 'redirect': {
      const w = walk(c.redirectWalks);
      return { cpuMs: c.requestCpuMs + w.cpu, fileStats: w.stats, directoryReads: w.dirs, bytesRead: 0 };
    }
    case 'simple': {
      const w = walk(c.simpleWalks);
      const hashed = repo.versionsPerProject * repo.wheelBytes;
      return {
        cpuMs: c.requestCpuMs + w.cpu + (hashed / 1e6) * c.hashCpuMsPerMB,
        fileStats: w.stats + repo.versionsPerProject,
        directoryReads: w.dirs,
        bytesRead: hashed,
      };
    }
    case 'wheel': {
      const w = walk(c.wheelWalks);
      return {
        cpuMs: c.requestCpuMs + w.cpu + (repo.wheelBytes / 1e6) * c.sendCpuMsPerMB,
        fileStats: w.stats + 1,
        directoryReads: w.dirs,
        bytesRead: repo.wheelBytes,
      };
    }
  }
}

/** A request kind's demand as a task of one worker class serves it, and its CPU distribution (null: always the mean). */
export interface RequestDemand {
  demand: ServiceDemand;
  cpu: LogNormal | null;
}

export type RequestDemands = ReadonlyMap<RequestKind, RequestDemand>;

/**
 * The demand of every request kind for a task: `extraCpuMs` on each request
 * (a gevent worker's sockets and greenlets), CPU lognormal with coefficient
 * of variation `cpuCv` (0: deterministic), on a core of speed `coreSpeed`
 * (costs are in ms of the reference core: a slower core needs cpu / coreSpeed).
 */
export function requestDemands(repo: Repository, costs: ServiceCosts, extraCpuMs: number, cpuCv: number, coreSpeed = 1): RequestDemands {
  const demands = new Map<RequestKind, RequestDemand>();
  for (const kind of REQUEST_KINDS) {
    const base = serviceDemand(kind, repo, costs);
    const demand = { ...base, cpuMs: (base.cpuMs + extraCpuMs) / coreSpeed };
    demands.set(kind, { demand, cpu: cpuCv > 0 && demand.cpuMs > 0 ? new LogNormal(demand.cpuMs, cpuCv) : null });
  }
  return demands;
}

/** Memory the repository needs in the page cache to be served without misses, MB. */
export function repositoryWorkingSetMb(repo: Repository, metadataMbPerFile: number): number {
  const files = repositoryFiles(repo);
  return files * metadataMbPerFile + (files * repo.wheelBytes) / 1e6;
}
