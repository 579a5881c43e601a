import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * Every file under `root` (relative path -> sha256 of its bytes), to show that refused commands left
 * earlier results byte for byte as they were.
 */
export function snapshot(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const file = path.join(dir, name);
      if (statSync(file).isDirectory()) walk(file);
      else out[path.relative(root, file)] = createHash('sha256').update(readFileSync(file)).digest('hex');
    }
  };
  walk(root);
  return out;
}
