// Debian packages the real local stack needs, and an idempotent installer for them.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const SYSTEM_PYTHON = '/usr/bin/python3';
export const GUNICORN = '/usr/bin/gunicorn';
export const NGINX = '/usr/sbin/nginx';
export const MPSTAT = '/usr/bin/mpstat';
export const POETRY = '/usr/bin/poetry';

/**
 * Debian package names installed by ensureStackPackages(): the servers (gunicorn, gevent, nginx), the real
 * pypiserver's imports (packaging, defusedxml; watchdog for cached-dir, passlib for htpasswd), the clients
 * whose requests the tests record (pip, poetry), sysstat for the diagnostics and Locust (validate --engine locust).
 */
export const STACK_DEBIAN_PACKAGES = [
  'gunicorn', 'python3-gevent', 'nginx-light', 'python3-pip', 'sysstat',
  'python3-packaging', 'python3-defusedxml', 'python3-watchdog', 'python3-passlib', 'python3-poetry', 'python3-locust',
] as const;

export interface MissingPiece {
  what: string;
  debianPackage: (typeof STACK_DEBIAN_PACKAGES)[number];
}

/** Python modules of /usr/bin/python3 and the Debian package of each. */
const PYTHON_MODULES: Array<[string, MissingPiece['debianPackage']]> = [
  ['gevent', 'python3-gevent'],
  ['pip', 'python3-pip'],
  ['packaging', 'python3-packaging'],
  ['defusedxml', 'python3-defusedxml'],
  ['watchdog', 'python3-watchdog'],
  ['passlib', 'python3-passlib'],
];

/**
 * Python modules that are only looked for, not imported: importing Locust takes about a second (it patches the
 * standard library for gevent), and the tests that use it start it anyway.
 */
const FOUND_NOT_IMPORTED: Array<[string, MissingPiece['debianPackage']]> = [['locust', 'python3-locust']];

/** The modules of `modules` that /usr/bin/python3 cannot import, or (`found`) cannot find (one interpreter start for all). */
function unimportable(modules: string[], found: string[] = []): Set<string> {
  if (!existsSync(SYSTEM_PYTHON)) return new Set([...modules, ...found]);
  const script =
    `import importlib, importlib.util\nfor m in ${JSON.stringify(modules)}:\n    try:\n        importlib.import_module(m)\n    except Exception:\n        print(m)\n` +
    `for m in ${JSON.stringify(found)}:\n    if importlib.util.find_spec(m) is None:\n        print(m)\n`;
  const r = spawnSync(SYSTEM_PYTHON, ['-c', script], { encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) return new Set([...modules, ...found]);
  return new Set(r.stdout.split('\n').filter(Boolean));
}

/** What is missing on this machine (empty when the stack can run). Fast: a few stats and one python start. */
export function missingStackPieces(): MissingPiece[] {
  const missing: MissingPiece[] = [];
  if (!existsSync(GUNICORN)) missing.push({ what: GUNICORN, debianPackage: 'gunicorn' });
  if (!existsSync(NGINX)) missing.push({ what: NGINX, debianPackage: 'nginx-light' });
  if (!existsSync(MPSTAT)) missing.push({ what: MPSTAT, debianPackage: 'sysstat' });
  if (!existsSync(POETRY)) missing.push({ what: POETRY, debianPackage: 'python3-poetry' });
  const absent = unimportable(PYTHON_MODULES.map(([m]) => m), FOUND_NOT_IMPORTED.map(([m]) => m));
  for (const [module, debianPackage] of [...PYTHON_MODULES, ...FOUND_NOT_IMPORTED]) {
    if (absent.has(module)) missing.push({ what: `${module} for ${SYSTEM_PYTHON}`, debianPackage });
  }
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
