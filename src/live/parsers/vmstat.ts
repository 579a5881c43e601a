/**
 * Parses `vmstat [-S unit] DELAY COUNT` (procps). The first data row is the
 * average since boot; the rows after it are the interval samples, which is what
 * a burst diagnostic wants. si/so are KiB/s whatever -S says (vmstat(8)).
 */

export interface VmstatParsed {
  /** Column names as printed (r, b, swpd, free, buff, cache, si, so, bi, bo, in, cs, us, sy, id, wa, st, ...). */
  columns: string[];
  /** The since-boot row, if vmstat printed more than one row. */
  sinceBoot: Record<string, number> | null;
  /** Interval rows (all rows when only one was printed). */
  samples: Array<Record<string, number>>;
  /** Means over the interval rows. */
  mean: Record<string, number>;
  /** Peak over the interval rows. */
  max: Record<string, number>;
  /** Convenience figures (means over the interval rows). */
  cpuUserPercent: number;
  cpuSystemPercent: number;
  cpuIdlePercent: number;
  cpuIowaitPercent: number;
  cpuStealPercent: number;
  swapInKiBPerSecond: number;
  swapOutKiBPerSecond: number;
  runQueue: number;
}

/** Parses vmstat output; throws an Error naming what was missing if it is not vmstat output. */
export function parseVmstat(output: string): VmstatParsed {
  const lines = output.split('\n').map((line) => line.trim()).filter((line) => line.length > 0);
  const headerIndex = lines.findIndex((line) => /^r\s+b\s+/.test(line));
  if (headerIndex < 0) throw new Error('vmstat: no "r b swpd ..." header line found');
  const columns = lines[headerIndex].split(/\s+/);
  const rows: Array<Record<string, number>> = [];
  for (const line of lines.slice(headerIndex + 1)) {
    if (/^r\s+b\s+/.test(line) || /^procs/.test(line)) continue; // repeated headers
    const fields = line.split(/\s+/);
    if (fields.length !== columns.length || !fields.every((field) => /^-?\d+(\.\d+)?$/.test(field))) continue;
    const row: Record<string, number> = {};
    columns.forEach((name, i) => (row[name] = Number(fields[i])));
    rows.push(row);
  }
  if (rows.length === 0) throw new Error('vmstat: no data rows');
  for (const required of ['us', 'sy', 'id', 'wa', 'si', 'so']) {
    if (!columns.includes(required)) throw new Error(`vmstat: column "${required}" missing`);
  }
  const sinceBoot = rows.length > 1 ? rows[0] : null;
  const samples = rows.length > 1 ? rows.slice(1) : rows;
  const mean: Record<string, number> = {};
  const max: Record<string, number> = {};
  for (const name of columns) {
    let sum = 0;
    let peak = -Infinity;
    for (const row of samples) {
      sum += row[name];
      peak = Math.max(peak, row[name]);
    }
    mean[name] = sum / samples.length;
    max[name] = peak;
  }
  return {
    columns,
    sinceBoot,
    samples,
    mean,
    max,
    cpuUserPercent: mean.us,
    cpuSystemPercent: mean.sy,
    cpuIdlePercent: mean.id,
    cpuIowaitPercent: mean.wa,
    cpuStealPercent: mean.st ?? 0,
    swapInKiBPerSecond: mean.si,
    swapOutKiBPerSecond: mean.so,
    runQueue: mean.r,
  };
}
