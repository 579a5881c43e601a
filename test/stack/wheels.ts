// Runs make_wheels.py to fill a package directory with the stack's deterministic wheels.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SYSTEM_PYTHON } from './packages.js';

export interface WheelFile {
  project: string; // PEP 503 name, e.g. "test-package-003"
  version: string; // e.g. "2.0.0"
  file: string; // e.g. "test_package_003-2.0.0-py3-none-any.whl"
  bytes: number;
  sha256: string;
}

/** Directory holding index_app.py, make_wheels.py and reaper.py (the sources, also when this module runs from dist/). */
export function stackSourceDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [here, join(here, '..', '..', '..', 'test', 'stack')];
  for (const c of candidates) if (existsSync(join(c, 'index_app.py'))) return c;
  throw new Error(`capsim test stack: index_app.py not found in ${candidates.join(' or ')}`);
}

/** The stack's project names start with this (names unlike capsim's own, so nothing works by assuming them). */
export const DEFAULT_PROJECT_PREFIX = 'test-package-';

/** Project i's name: test-package-000, test-package-001, ... */
export function projectName(i: number, prefix = DEFAULT_PROJECT_PREFIX): string {
  return `${prefix}${String(i).padStart(3, '0')}`;
}

/** The wheel file name of a project version: "test-package-003", "2.0.0" -> "test_package_003-2.0.0-py3-none-any.whl". */
export function wheelFileName(project: string, version: string): string {
  return `${project.replace(/[-_.]+/g, '_')}-${version}-py3-none-any.whl`;
}

export function makeWheels(outDir: string, projects: number, versionsPerProject: number, payloadBytes: number, prefix = DEFAULT_PROJECT_PREFIX): WheelFile[] {
  const script = join(stackSourceDir(), 'make_wheels.py');
  const out = execFileSync(
    SYSTEM_PYTHON,
    [script, '--out', outDir, '--projects', String(projects), '--versions', String(versionsPerProject), '--payload-bytes', String(payloadBytes), '--prefix', prefix],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } },
  );
  return JSON.parse(out) as WheelFile[];
}
