/**
 * Preloaded into a capsim command by bench/memory.ts (`node --import`): when the process exits, writes its
 * peak resident set size (worker threads included: they share the process) to the file named by
 * CAPSIM_PEAK_RSS_FILE, in KiB.
 */
import { writeFileSync } from 'node:fs';

const file = process.env.CAPSIM_PEAK_RSS_FILE;
if (file) process.on('exit', () => writeFileSync(file, `${process.resourceUsage().maxRSS}\n`));
