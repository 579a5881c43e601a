#!/usr/bin/env node
// capsim entry point: runs the compiled oclif commands and turns every failure
// into one line on stderr with a non-zero exit code (never a stack trace).
import { readdirSync, statSync } from 'node:fs';
import { Config, run, flush } from '@oclif/core';
import { reportFatal } from '../dist/src/cli/fatal.js';

const root = new URL('..', import.meta.url);

/**
 * oclif.manifest.json lets help and command lookup skip importing every
 * command. It is written at `prepare` and by `npm test`; a build after it
 * (`npx tsc`) would leave it describing old flags, so rewrite it first then.
 */
async function freshManifest() {
  const commands = new URL('dist/src/commands/', root);
  let manifestTime;
  try {
    manifestTime = statSync(new URL('oclif.manifest.json', root)).mtimeMs;
  } catch {
    manifestTime = -1;
  }
  let newest = 0;
  for (const entry of readdirSync(commands, { recursive: true })) {
    if (String(entry).endsWith('.js')) newest = Math.max(newest, statSync(new URL(String(entry), commands)).mtimeMs);
  }
  if (manifestTime >= newest) return;
  try {
    const { writeManifest } = await import('../dist/src/cli/manifest.js');
    await writeManifest();
  } catch {
    // A read-only install keeps working: oclif then reads the command modules themselves.
  }
}

try {
  await freshManifest();
  const config = await Config.load(import.meta.url);
  // capsim.json / --config FILE: defaults for any flag (src/cli/config-file.ts).
  const { applyConfigFile } = await import('../dist/src/cli/config-file.js');
  await run(await applyConfigFile(process.argv.slice(2), config), config);
  await flush();
} catch (error) {
  process.exitCode = reportFatal(error, { json: process.argv.slice(2).includes("--json") });
}
