import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

/** Temp files for malformed-data tests; removed after the test file. */
const dir = mkdtempSync(join(tmpdir(), 'capsim-data-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let counter = 0;

/** Writes `content` (an object is JSON-encoded) to a fresh temp file and returns its path. */
export function tempFile(content: unknown, name = 'data.json'): string {
  const path = join(dir, `${counter++}-${name}`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return path;
}

/** A deep copy of a shipped models/ file, to mutate in a test. */
export function shippedJson(file: string): any {
  return JSON.parse(readFileSync(new URL(`../../models/${file}`, import.meta.url), 'utf8'));
}
