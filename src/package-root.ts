import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/**
 * The capsim package directory (the one holding package.json and models/),
 * found by walking up from this file. Works from src/ (tests run TypeScript
 * directly) and from dist/src/ (the compiled CLI), whose depths differ.
 */
export function packageRoot(): string {
  if (cached !== undefined) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const name = (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name;
      if (name === 'capsim') return (cached = dir);
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('capsim package root not found above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

/** A path inside the package, e.g. packagePath('models', 'instances.json'). */
export function packagePath(...parts: string[]): string {
  return join(packageRoot(), ...parts);
}

/** capsim's own version (package.json), '?' when it cannot be read. */
export function capsimVersion(): string {
  try {
    return (JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { version?: string }).version ?? '?';
  } catch {
    return '?';
  }
}
