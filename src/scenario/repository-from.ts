/**
 * `predict --repository-from RUN/summary.json`: the repository a validate run
 * read from the real index (its `repository`, in the scenario's shape), so
 * the prediction models the same index (file count, files per page, sizes).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { UserError } from '../errors.js';
import { expectObject, readJsonFile } from '../input/data-file.js';
import { validateRepository } from './load.js';
import type { Repository } from './types.js';

export function repositoryFromRun(path: string): Repository {
  const file = resolve(process.cwd(), path);
  if (!existsSync(file)) throw new UserError(`--repository-from: ${path} does not exist`);
  const root = expectObject(readJsonFile(file, '--repository-from file'), `--repository-from ${path}`);
  if (root.repository === undefined) {
    throw new UserError(`--repository-from ${path}: no "repository" field (expected the summary.json of a capsim validate run)`);
  }
  return validateRepository(expectObject(root.repository, `--repository-from ${path}: field "repository"`), `--repository-from ${path}: repository`);
}
