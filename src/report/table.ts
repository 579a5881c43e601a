import Table from 'cli-table3';

/**
 * A plain-text table through cli-table3: a header, a dashed rule, aligned
 * columns two spaces apart, no borders (it reads the same in a terminal, a
 * file and a CI log). `maxWidth` (default: the terminal's width when stdout is
 * one, else none, so files and pipes never wrap) narrows the widest columns
 * and wraps their cells inside the column rather than letting lines spill.
 */
export function renderTable(header: string[], rows: string[][], rightAligned: boolean[] = [], maxWidth = terminalWidth()): string {
  const natural = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const widths = fitted(natural, maxWidth);
  const table = new Table({
    chars: {
      top: '', 'top-mid': '', 'top-left': '', 'top-right': '',
      bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
      left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: '  ',
    },
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0, compact: true },
    colWidths: widths,
    colAligns: header.map((_, i) => (rightAligned[i] ? 'right' : 'left')),
    wordWrap: true,
    wrapOnWordBoundary: false,
  });
  table.push(header, widths.map((w) => '-'.repeat(w)), ...rows.map((r) => header.map((_, i) => r[i] ?? '')));
  return table
    .toString()
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n');
}

/** The terminal's columns when stdout is a terminal; otherwise no limit. */
function terminalWidth(): number {
  return process.stdout.isTTY && process.stdout.columns ? process.stdout.columns : Infinity;
}

/** Column widths that fit `maxWidth` (with the two-space gaps), taking from the widest column first; no column below 6. */
function fitted(natural: number[], maxWidth: number): number[] {
  const widths = [...natural];
  const total = () => widths.reduce((sum, w) => sum + w, 0) + 2 * (widths.length - 1);
  while (total() > maxWidth) {
    const widest = widths.indexOf(Math.max(...widths));
    if (widths[widest] <= 6) break;
    widths[widest] -= 1;
  }
  return widths;
}

/** A number with a fixed count of significant digits, without exponent noise. */
export function formatNumber(value: number, digits = 4): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const magnitude = Math.floor(Math.log10(Math.abs(value)));
  const decimals = Math.max(0, digits - 1 - magnitude);
  return value.toFixed(Math.min(decimals, 10));
}
