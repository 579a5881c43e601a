// Debian packages the real local stack needs, and an idempotent installer for them.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const SYSTEM_PYTHON = '/usr/bin/python3';
export const GUNICORN = '/usr/bin/gunicorn';
export const NGINX = '/usr/sbin/nginx';
export const MPSTAT = '/usr/bin/mpstat';

/** Debian package names installed by ensureStackPackages(). */
export const STACK_DEBIAN_PACKAGES = ['gunicorn', 'python3-gevent', 'nginx-light', 'python3-pip', 'sysstat'] as const;

export interface MissingPiece {
  what: string;
  debianPackage: (typeof STACK_DEBIAN_PACKAGES)[number];
}

function pythonCanImport(module: string): boolean {
  if (!existsSync(SYSTEM_PYTHON)) return false;
  const r = spawnSync(SYSTEM_PYTHON, ['-c', `import ${module}`], { stdio: 'ignore', timeout: 30_000 });
  return r.status === 0;
}

/** What is missing on this machine (empty when the stack can run). Fast: a few stats and two python imports. */
export function missingStackPieces(): MissingPiece[] {
  const missing: MissingPiece[] = [];
  if (!existsSync(GUNICORN)) missing.push({ what: GUNICORN, debianPackage: 'gunicorn' });
  if (!pythonCanImport('gevent')) missing.push({ what: `gevent for ${SYSTEM_PYTHON}`, debianPackage: 'python3-gevent' });
  if (!existsSync(NGINX)) missing.push({ what: NGINX, debianPackage: 'nginx-light' });
  if (!pythonCanImport('pip')) missing.push({ what: `pip for ${SYSTEM_PYTHON}`, debianPackage: 'python3-pip' });
  if (!existsSync(MPSTAT)) missing.push({ what: MPSTAT, debianPackage: 'sysstat' });
  return missing;
}

/** The exact commands that install `packages` (default: the stack's; exported so tests can check them). */
export function installCommands(packages: readonly string[] = STACK_DEBIAN_PACKAGES): { file: string; args: string[] }[] {
  // Wait for a dpkg lock held by another installer instead of failing at once.
  const lock = ['-o', 'DPkg::Lock::Timeout=300'];
  return [
    { file: 'apt-get', args: [...lock, 'update'] },
    {
      file: 'apt-get',
      args: [...lock, 'install', '-y', '--no-install-recommends', ...packages],
    },
  ];
}

/**
 * Installs the stack's Debian packages if any piece is missing: `apt-get update` once, then one
 * `apt-get install -y`. Idempotent, and a no-op (a few stats) when everything is there.
 * Throws one clear Error when it cannot install (not root, no apt-get, apt failed).
 */
export function ensureStackPackages(): void {
  const missing = missingStackPieces();
  if (missing.length === 0) return;
  installDebianPackages('capsim test stack', missing.map((m) => m.what), STACK_DEBIAN_PACKAGES);
  const still = missingStackPieces();
  if (still.length > 0) {
    throw new Error(`capsim test stack: still missing after install: ${still.map((m) => m.what).join(', ')}`);
  }
}

/**
 * `apt-get update` then `apt-get install -y packages`, as root, saying what is missing and why
 * (`who` prefixes every message). Throws one clear Error when it cannot (not root, no apt-get, apt failed).
 */
export function installDebianPackages(who: string, missing: readonly string[], packages: readonly string[]): void {
  const names = missing.join(', ');
  const cmds = installCommands(packages);
  const shown = cmds.map((c) => [c.file, ...c.args].join(' ')).join(' && ');
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new Error(`${who}: missing ${names}; run as root: ${shown}`);
  }
  console.log(`${who}: missing ${names}; installing Debian packages: ${shown}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive', NEEDRESTART_MODE: 'a' };
  for (const c of cmds) {
    try {
      execFileSync(c.file, c.args, { env, stdio: ['ignore', 'pipe', 'pipe'], timeout: 600_000, maxBuffer: 64 * 1024 * 1024 });
    } catch (err) {
      const e = err as { stderr?: Buffer; message: string };
      const tail = (e.stderr?.toString() ?? e.message).trim().split('\n').slice(-5).join(' | ');
      throw new Error(`${who}: \`${[c.file, ...c.args].join(' ')}\` failed: ${tail}`);
    }
  }
}
