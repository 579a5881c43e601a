/**
 * Bench: `capsim scenario import --alb-logs` on a generated day of ALB logs
 * (10 million lines by default, 576 gzip files), against a reference in the
 * same run: reading the same files (gunzip and split into lines) and nothing
 * else. Each step runs in its own process so its peak memory (max RSS) is its
 * own; the import of a tenth of the lines shows how memory grows with lines.
 *
 * Run: node dist/bench/alb-import.js [--json] [--lines N]
 * (the logs are generated once under /tmp/capsim-bench, about 1 GB for 10 M lines).
 */
import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generateAlbLogs } from './alb-log-files.js';

interface StepFigures {
  wallMs: number;
  cpuMs: number;
  maxRssMb: number;
  lines: number;
  installs?: number;
  bursts?: number;
}

/** Runs one step in a fresh process; returns what it printed (its figures). */
function step(name: 'read' | 'import', dir: string): StepFigures {
  const script = fileURLToPath(new URL('./alb-import-step.js', import.meta.url));
  const stdout = execFileSync(process.execPath, ['--max-old-space-size=4096', script, name, dir], { encoding: 'utf8', maxBuffer: 1 << 24 });
  return JSON.parse(stdout) as StepFigures;
}

export async function benchAlbImport(lines = 10_000_000): Promise<Record<string, unknown>> {
  const root = '/tmp/capsim-bench';
  const t0 = performance.now();
  const logs = await generateAlbLogs(root, lines);
  const small = await generateAlbLogs(root, Math.round(lines / 10));
  const generateMs = performance.now() - t0;
    const read = step('read', logs.dir);
    const full = step('import', logs.dir);
    const tenth = step('import', small.dir);
    return {
      files: logs.files,
      lines: logs.lines,
      uncompressedMB: Math.round(logs.bytes / 1e6),
      generatedInstalls: logs.installs,
      generateMsIfNotCached: Math.round(generateMs),
      read,
      import: full,
      /** Import CPU time over the CPU time just to read the files: what parsing and reconstruction cost on top. */
      ratioImportToRead: Math.round((full.cpuMs / read.cpuMs) * 100) / 100,
      linesPerSecond: Math.round(full.lines / (full.wallMs / 1000)),
      tenthOfTheLines: tenth,
      /** Peak memory of 10x the lines over that of the tenth: 10 would mean memory grows with lines. */
      memoryGrowthFor10xLines: Math.round((full.maxRssMb / tenth.maxRssMb) * 100) / 100,
    };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const at = process.argv.indexOf('--lines');
  const result = await benchAlbImport(at > 0 ? Number(process.argv[at + 1]) : undefined);
  process.stdout.write(`${process.argv.includes('--json') ? JSON.stringify(result) : JSON.stringify(result, null, 2)}\n`);
}
