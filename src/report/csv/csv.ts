/**
 * CSV files for spreadsheets: RFC 4180 (comma, CRLF-free "\n" rows, fields
 * with a comma, quote or line break quoted, quotes doubled), a header row,
 * numbers at full precision, an empty field for "not measured".
 */
import { OutputDirectory } from '../../output/output-directory.js';

export type CsvCell = string | number | boolean | null | undefined;

export interface CsvTable {
  header: string[];
  rows: CsvCell[][];
}

function cell(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function toCsv(table: CsvTable): string {
  return [table.header, ...table.rows].map((row) => row.map(cell).join(',')).join('\n') + '\n';
}

/**
 * Writes NAME.csv for each table into `dir` (created, held with the output lock while it writes); each
 * file goes through a temporary name and a rename, replacing a CSV file of the same name; other files in
 * the directory stay as they are. Returns the paths written.
 */
export function writeCsvFiles(dir: string, tables: Record<string, CsvTable>): string[] {
  const output = OutputDirectory.claim(dir, { flag: '--csv', existing: 'replace' });
  try {
    return Object.entries(tables).map(([name, table]) => output.write(`${name}.csv`, toCsv(table)));
  } finally {
    output.release();
  }
}
