// Debian's Chromium for the tests that open capsim's HTML reports in a real headless browser, and an
// idempotent installer for it (a sibling of packages.ts). No browser download: only Debian's package.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { installDebianPackages } from './packages.js';

export const CHROMIUM = '/usr/bin/chromium';
const DEJAVU = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';

/** Flags that work on this kind of machine (as root, no GPU, a closed network: no background connections). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

function chromiumRuns(): boolean {
  if (!existsSync(CHROMIUM)) return false;
  const r = spawnSync(CHROMIUM, ['--version'], { stdio: 'ignore', timeout: 30_000 });
  return r.status === 0;
}

export function missingBrowserPieces(): { what: string; debianPackage: string }[] {
  const missing: { what: string; debianPackage: string }[] = [];
  if (!chromiumRuns()) missing.push({ what: CHROMIUM, debianPackage: 'chromium' });
  if (!existsSync(DEJAVU)) missing.push({ what: `fonts (${DEJAVU})`, debianPackage: 'fonts-dejavu-core' });
  return missing;
}

/** Installs Debian's chromium (and a font) when missing; a no-op (a stat and `chromium --version`) otherwise. */
export function ensureChromium(): void {
  const missing = missingBrowserPieces();
  if (missing.length === 0) return;
  installDebianPackages('capsim browser tests', missing.map((m) => m.what), missing.map((m) => m.debianPackage));
  const still = missingBrowserPieces();
  if (still.length > 0) throw new Error(`capsim browser tests: still missing after install: ${still.map((m) => m.what).join(', ')}`);
}
