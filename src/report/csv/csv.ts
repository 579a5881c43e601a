/**
 * CSV files for spreadsheets: RFC 4180 (comma, CRLF-free "\n" rows, fields
 * with a comma, quote or line break quoted, quotes doubled), a header row,
 * numbers at full precision, an empty field for "not measured".
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../../errors.js';

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

/** Writes NAME.csv for each table into `dir` (created); returns the paths written. */
export function writeCsvFiles(dir: string, tables: Record<string, CsvTable>): string[] {
  try {
    mkdirSync(dir, { recursive: true });
    return Object.entries(tables).map(([name, table]) => {
      const file = path.join(dir, `${name}.csv`);
      writeFileSync(file, toCsv(table));
      return file;
    });
  } catch (error) {
    throw new UserError(`cannot write --csv ${dir}: ${(error as Error).message}`);
  }
}
