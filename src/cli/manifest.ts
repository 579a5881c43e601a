import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Plugin } from '@oclif/core';
import { packageRoot } from '../package-root.js';

/**
 * oclif's command manifest (oclif.manifest.json at the package root): every
 * command's id, summary and flags, so `capsim --help`, `capsim help predict`
 * and command lookup read one JSON file instead of importing every command
 * module (and what they import). Written at `prepare` and by `npm test`, and
 * again by bin/run.js whenever a build is newer than it, so it is never stale.
 * This is what `oclif manifest` writes; the oclif CLI itself is a large
 * packaging tool we do not otherwise need.
 */
export const MANIFEST_FILE = 'oclif.manifest.json';

export async function writeManifest(root: string = packageRoot()): Promise<string> {
  const plugin = new Plugin({ root, type: 'core', isRoot: true, ignoreManifest: true, errorOnManifestCreate: true });
  await plugin.load();
  const file = join(root, MANIFEST_FILE);
  // Write then rename: a CLI started meanwhile reads the old manifest or the new one, never half of one.
  const partial = `${file}.${process.pid}.tmp`;
  writeFileSync(partial, `${JSON.stringify(plugin.manifest, null, 2)}\n`);
  renameSync(partial, file);
  return file;
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (invokedDirectly) {
  const file = await writeManifest();
  process.stdout.write(`wrote ${file}\n`);
}
