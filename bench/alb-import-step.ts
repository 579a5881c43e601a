/**
 * One step of the ALB import bench, in its own process: `read` (gunzip and
 * split every file into lines, nothing else) or `import` (the whole `capsim
 * scenario import`: summary, installs, the scenario and its replay built in
 * memory; not written, since a day of 10 million lines replays about 3.4
 * million installs, more than one run fetches, which an import with --out
 * refuses before writing). Prints wall time, peak RSS and counts as JSON.
 */
import { performance } from 'node:perf_hooks';
import { listLogFiles, readLogLines } from '../src/scenario/import/log-files.js';
import { runAlbImport } from '../src/scenario/import/run-import.js';

const [, , name, dir] = process.argv;
const start = performance.now();
let figures: Record<string, number>;
if (name === 'read') {
  let lines = 0;
  for (const file of listLogFiles([dir])) {
    await readLogLines(file.path, {
      onLines: (chunk) => {
        lines += chunk.length;
      },
    });
  }
  figures = { lines };
} else {
  const outcome = await runAlbImport({ paths: [dir], keepAddresses: false, repository: {}, force: false, command: 'bench' });
  figures = { lines: outcome.summary.input.lines, installs: outcome.summary.installs.total, bursts: outcome.summary.bursts.length };
}
const wallMs = Math.round(performance.now() - start);
const usage = process.resourceUsage();
// CPU time as well as wall time: on a machine others load, wall time waits for the cores.
const cpuMs = Math.round((usage.userCPUTime + usage.systemCPUTime) / 1000);
process.stdout.write(JSON.stringify({ wallMs, cpuMs, maxRssMb: Math.round(usage.maxRSS / 1024), ...figures }));
