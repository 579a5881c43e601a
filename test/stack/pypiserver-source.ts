// Where the real pypiserver comes from: the vendored source tarball (no package registry this project reaches
// serves pypiserver), unpacked once into a cache directory that is then put on gunicorn's PYTHONPATH.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (also when this module runs from dist/), or null for a copy outside any repository. */
function repositoryRoot(): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
  return dir;
}

/**
 * The vendored tarball: $CAPSIM_PYPISERVER_TARBALL, else test/stack/vendor/pypiserver-*.tar.gz of the
 * repository. Null only for a copy of this module outside any repository with no variable set.
 */
export function vendoredPypiserverTarball(): string | null {
  const fromEnv = process.env.CAPSIM_PYPISERVER_TARBALL;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`capsim test stack: CAPSIM_PYPISERVER_TARBALL=${fromEnv} does not exist`);
    return resolve(fromEnv);
  }
  const root = repositoryRoot();
  if (root === null) return null;
  const vendor = join(root, 'test', 'stack', 'vendor');
  const tarball = existsSync(vendor) ? readdirSync(vendor).filter((f) => /^pypiserver-.*\.tar\.gz$/.test(f)).sort().pop() : undefined;
  if (!tarball) throw new Error(`capsim test stack: no pypiserver-*.tar.gz in ${vendor}`);
  return join(vendor, tarball);
}

/**
 * Unpacks the tarball into $TMPDIR/capsim-pypiserver-<sha256 prefix>/ once (an atomic rename, so parallel
 * test files never see half a tree) and returns that directory: the one to put on PYTHONPATH.
 */
export function unpackedPypiserver(tarball: string): string {
  const digest = createHash('sha256').update(readFileSync(tarball)).digest('hex').slice(0, 16);
  const target = join(tmpdir(), `capsim-pypiserver-${digest}`);
  if (existsSync(join(target, 'pypiserver', '__init__.py'))) return target;
  const staging = `${target}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', staging], { stdio: ['ignore', 'ignore', 'pipe'] });
  if (!existsSync(join(staging, 'pypiserver', '__init__.py'))) {
    rmSync(staging, { recursive: true, force: true });
    throw new Error(`capsim test stack: ${tarball} holds no pypiserver/__init__.py at its top level`);
  }
  try {
    renameSync(staging, target);
  } catch (error) {
    // Another process won the race: its copy is the same tarball's.
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(join(target, 'pypiserver', '__init__.py'))) throw error;
  }
  return target;
}

/** The vendored pypiserver's version string (from its __init__.py), e.g. "2.4.1". */
export function pypiserverVersion(unpacked: string): string {
  const m = /__version__\s*=\s*"([^"]+)"/.exec(readFileSync(join(unpacked, 'pypiserver', '__init__.py'), 'utf8'));
  return m ? m[1] : 'unknown';
}
