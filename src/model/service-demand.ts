import { repositoryFiles } from '../scenario/repository.js';
import type { Repository } from '../scenario/types.js';
import type { RequestKind } from './flows.js';
import type { ModelParameters } from './parameters.js';

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

/**
 * pypiserver with `--backend simple-dir` (FACTS.md): every request walks the
 * whole package directory (one listing, a stat and a regex per file); the
 * simple page also hashes each of the project's files; a download reads and
 * sends the wheel. The health check does no walk.
 */
export function serviceDemand(kind: RequestKind, repo: Repository, p: ModelParameters): ServiceDemand {
  const files = repositoryFiles(repo);
  const walk = (walks: number) => ({
    cpu: walks * files * p['service.walkCpuPerFileMs'],
    stats: walks * files,
    dirs: walks,
  });
  switch (kind) {
    case 'health':
      return { cpuMs: p['service.healthCpuMs'], fileStats: 0, directoryReads: 0, bytesRead: 0 };
    case 'redirect': {
      const w = walk(p['service.redirectWalks']);
      return { cpuMs: p['service.requestCpuMs'] + w.cpu, fileStats: w.stats, directoryReads: w.dirs, bytesRead: 0 };
    }
    case 'simple': {
      const w = walk(p['service.simpleWalks']);
      const hashed = repo.versionsPerProject * repo.wheelBytes;
      return {
        cpuMs: p['service.requestCpuMs'] + w.cpu + (hashed / 1e6) * p['service.hashCpuMsPerMB'],
        fileStats: w.stats + repo.versionsPerProject,
        directoryReads: w.dirs,
        bytesRead: hashed,
      };
    }
    case 'wheel': {
      const w = walk(p['service.wheelWalks']);
      return {
        cpuMs: p['service.requestCpuMs'] + w.cpu + (repo.wheelBytes / 1e6) * p['service.sendCpuMsPerMB'],
        fileStats: w.stats + 1,
        directoryReads: w.dirs,
        bytesRead: repo.wheelBytes,
      };
    }
  }
}

/** Memory the repository needs in the page cache to be served without misses, MB. */
export function repositoryWorkingSetMb(repo: Repository, p: ModelParameters): number {
  const files = repositoryFiles(repo);
  return (files * p['storage.metadataKBPerFile']) / 1024 + (files * repo.wheelBytes) / 1e6;
}
