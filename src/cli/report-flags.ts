import { Flags } from '@oclif/core';
import { THRESHOLD_METRICS } from '../gate/threshold.js';

/** --report, --csv and --threshold, shared by predict, validate, compare and plan. */
export const reportFlag = Flags.string({ description: 'write a self-contained HTML report with charts to this file (no network needed to view it)' });
export const csvFlag = Flags.string({ description: 'write the headline figures, per-operation figures and the timeline as CSV files into this directory' });
export const thresholdFlag = Flags.string({
  description: `k6-style pass/fail criterion METRIC OP VALUE, repeatable (metrics ${THRESHOLD_METRICS.join(', ')}; e.g. 'p95<15000', 'error_rate<1%'); exit 99 when one fails`,
  multiple: true,
});

/** How a report names a result computed by the command itself: the command line that produced it. */
export function commandLine(id: string | undefined, argv: readonly string[]): string {
  return ['capsim', id ?? '', ...argv.map((a) => (/^[\w@%+=:,./<>-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`))].filter((p) => p !== '').join(' ');
}
