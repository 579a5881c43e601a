/**
 * Parses `mpstat [-P ALL] DELAY COUNT` (sysstat). Uses the "Average:" row for
 * CPU "all" when present, else the last "all" row. Handles 12-hour time stamps
 * ("03:47:10 PM") as well as 24-hour ones.
 *
 * The user / system split is vmstat's, so that the two sources of the same
 * diagnostics agree and user + system is the CPU the host was busy with:
 * user = %usr + %nice + %guest + %gnice (niced processes and guests run user
 * code too: a host whose other processes run niced is not idle), system =
 * %sys + %irq + %soft. Then user + system + iowait + steal + idle = 100.
 */

export interface MpstatParsed {
  cpuCount: number | null;
  /** Every percentage column of the chosen "all" row, keyed without "%" (usr, nice, sys, iowait, irq, soft, steal, guest, gnice, idle). */
  all: Record<string, number>;
  /** Per-CPU rows of the same kind (Average when present), keyed by CPU number. */
  perCpu: Record<string, Record<string, number>>;
  /** %usr + %nice + %guest + %gnice. */
  cpuUserPercent: number;
  /** %sys + %irq + %soft. */
  cpuSystemPercent: number;
  cpuIowaitPercent: number;
  cpuIdlePercent: number;
  cpuStealPercent: number;
  /** True when the figures come from the "Average:" rows. */
  fromAverage: boolean;
}

interface Row {
  average: boolean;
  cpu: string;
  values: Record<string, number>;
}

/** mpstat prints two decimals; sums of them stay at two. */
const round2 = (x: number) => Math.round(x * 100) / 100;

/** Parses mpstat output; throws an Error naming what was missing. */
export function parseMpstat(output: string): MpstatParsed {
  const lines = output.split('\n').map((line) => line.trim()).filter((line) => line.length > 0);
  const cpuCountMatch = /\((\d+) CPU\)/.exec(lines[0] ?? '');
  let columns: string[] | null = null;
  const rows: Row[] = [];
  for (const line of lines) {
    const tokens = line.split(/\s+/);
    const average = tokens[0] === 'Average:';
    // Drop the time stamp (and AM/PM) or "Average:".
    let rest = tokens.slice(1);
    if (rest[0] === 'AM' || rest[0] === 'PM') rest = rest.slice(1);
    if (rest[0] === 'CPU') {
      columns = rest.slice(1).map((name) => name.replace(/^%/, ''));
      continue;
    }
    if (!columns || rest.length !== columns.length + 1) continue;
    const values: Record<string, number> = {};
    let numeric = true;
    columns.forEach((name, i) => {
      const value = Number(rest[i + 1].replace(',', '.'));
      if (Number.isNaN(value)) numeric = false;
      values[name] = value;
    });
    if (numeric) rows.push({ average, cpu: rest[0], values });
  }
  if (!columns) throw new Error('mpstat: no "CPU %usr ..." header line found');
  const averages = rows.filter((r) => r.average);
  const chosen = averages.length > 0 ? averages : rows;
  const allRows = chosen.filter((r) => r.cpu === 'all');
  if (allRows.length === 0) throw new Error('mpstat: no row for CPU "all"');
  const all = allRows[allRows.length - 1].values;
  for (const required of ['usr', 'sys', 'iowait', 'idle']) {
    if (!(required in all)) throw new Error(`mpstat: column "%${required}" missing`);
  }
  const perCpu: Record<string, Record<string, number>> = {};
  for (const r of chosen) if (r.cpu !== 'all') perCpu[r.cpu] = r.values;
  return {
    cpuCount: cpuCountMatch ? Number(cpuCountMatch[1]) : null,
    all,
    perCpu,
    cpuUserPercent: round2(all.usr + (all.nice ?? 0) + (all.guest ?? 0) + (all.gnice ?? 0)),
    cpuSystemPercent: round2(all.sys + (all.irq ?? 0) + (all.soft ?? 0)),
    cpuIowaitPercent: all.iowait,
    cpuIdlePercent: all.idle,
    cpuStealPercent: all.steal ?? 0,
    fromAverage: averages.length > 0,
  };
}
