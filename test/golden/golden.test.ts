import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../cli/run-cli.js';
import { runCliAsync } from '../plan/run-cli-async.js';
import { GOLDEN_COMMANDS, type GoldenCommand } from './commands.js';

/**
 * The golden test: every command of commands.ts prints exactly what is
 * recorded in outputs/NAME.json (byte for byte, after the repository's own
 * path is written as <repo>, so the fixtures hold on any checkout), with the
 * recorded exit code. CAPSIM_GOLDEN_RECORD=1 rewrites the recordings instead
 * of comparing (see README.md in this folder).
 */
const outputs = join(repoRoot, 'test', 'golden', 'outputs');
const exitCodesFile = join(outputs, 'exit-codes.json');
const recording = process.env.CAPSIM_GOLDEN_RECORD === '1';

function normalized(stdout: string): string {
  return stdout.split(repoRoot.replace(/\/$/, '')).join('<repo>');
}

async function runAll(commands: readonly GoldenCommand[], parallel: number): Promise<Map<string, { code: number; stdout: string; stderr: string }>> {
  const results = new Map<string, { code: number; stdout: string; stderr: string }>();
  let next = 0;
  const lane = async () => {
    while (next < commands.length) {
      const command = commands[next++];
      const r = await runCliAsync(command.args, 300_000);
      results.set(command.name, { code: r.code, stdout: normalized(r.stdout), stderr: r.stderr });
    }
  };
  await Promise.all(Array.from({ length: parallel }, lane));
  return results;
}

describe('golden outputs', () => {
  const results = runAll(GOLDEN_COMMANDS, 2);
  const recordedCodes: Record<string, number> = existsSync(exitCodesFile) ? (JSON.parse(readFileSync(exitCodesFile, 'utf8')) as Record<string, number>) : {};

  if (recording) {
    it('records every command', async () => {
      const all = await results;
      const codes: Record<string, number> = {};
      for (const command of GOLDEN_COMMANDS) {
        const r = all.get(command.name)!;
        expect(r.stderr, `${command.name}: ${r.stderr}`).toBe('');
        writeFileSync(join(outputs, `${command.name}.json`), r.stdout);
        codes[command.name] = r.code;
      }
      writeFileSync(exitCodesFile, `${JSON.stringify(codes, null, 2)}\n`);
    }, 600_000);
    return;
  }

  for (const command of GOLDEN_COMMANDS) {
    it(`${command.name}: capsim ${command.args.join(' ')}`, async () => {
      const r = (await results).get(command.name)!;
      expect(r.stderr).toBe('');
      expect(r.code).toBe(recordedCodes[command.name]);
      const recorded = readFileSync(join(outputs, `${command.name}.json`), 'utf8');
      // Compare parsed first for a readable diff, then the bytes.
      expect(JSON.parse(r.stdout)).toEqual(JSON.parse(recorded));
      expect(r.stdout).toBe(recorded);
    }, 600_000);
  }
});
