import { Flags } from '@oclif/core';
import { THRESHOLD_METRICS } from '../gate/threshold.js';
import { OutputDirectory } from '../output/output-directory.js';
import { checkOutputFile } from '../output/output-path.js';

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

/**
 * Checks every output a command was asked to write, before it does any work: a --report or --tfvars file
 * that is a directory or lies where nothing can be written, a --csv directory that is a file. One line,
 * exit 2, and the work is not done for nothing.
 */
export function checkOutputFlags(outputs: { report?: string; csv?: string; tfvars?: string }): void {
  if (outputs.report !== undefined) checkOutputFile(outputs.report, '--report');
  if (outputs.tfvars !== undefined) checkOutputFile(outputs.tfvars, '--tfvars');
  if (outputs.csv !== undefined) OutputDirectory.check(outputs.csv, { flag: '--csv', existing: 'replace' });
}
