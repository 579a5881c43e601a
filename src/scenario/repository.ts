/** Sizes of a repository that the model and the cost derive from its scenario fields. */
import type { Repository } from './types.js';

/** The files every directory walk covers: the index's own count when known, else projects x files per page. */
export function repositoryFiles(repo: Repository): number {
  return repo.files ?? repo.projects * repo.versionsPerProject;
}

/** Bytes of the whole repository (what EFS stores). */
export function repositoryBytes(repo: Repository): number {
  return repositoryFiles(repo) * repo.wheelBytes;
}
