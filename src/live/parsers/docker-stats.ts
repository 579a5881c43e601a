/**
 * Parses `docker stats --no-stream` output, either as JSON lines
 * (`--format '{{json .}}'`, what capsim runs) or as the default table.
 * Memory is printed in binary units (KiB, MiB, GiB), I/O in decimal ones
 * (kB, MB, GB); both are accepted.
 */

export interface ContainerStats {
  id: string | null;
  name: string;
  cpuPercent: number;
  memUsedBytes: number;
  memLimitBytes: number;
  memPercent: number | null;
  pids: number | null;
}

const UNIT_BYTES: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
};

/** "5.629MiB" -> bytes; "796 KiB" accepted too. */
export function parseByteSize(text: string): number {
  const match = /^\s*([\d.]+)\s*([a-zA-Z]+)\s*$/.exec(text);
  if (!match) throw new Error(`docker stats: cannot read size "${text}"`);
  const factor = UNIT_BYTES[match[2].toLowerCase()];
  if (factor === undefined) throw new Error(`docker stats: unknown size unit "${match[2]}"`);
  return Number(match[1]) * factor;
}

function percent(text: string): number {
  const value = Number(text.trim().replace('%', ''));
  if (Number.isNaN(value)) throw new Error(`docker stats: cannot read percentage "${text}"`);
  return value;
}

function usage(text: string): { used: number; limit: number } {
  const [used, limit] = text.split('/');
  if (limit === undefined) throw new Error(`docker stats: cannot read memory usage "${text}"`);
  return { used: parseByteSize(used), limit: parseByteSize(limit) };
}

function fromJson(record: Record<string, string>): ContainerStats {
  const mem = usage(record.MemUsage ?? '');
  return {
    id: record.ID ?? null,
    name: record.Name ?? record.Container ?? record.ID ?? 'unknown',
    cpuPercent: percent(record.CPUPerc ?? ''),
    memUsedBytes: mem.used,
    memLimitBytes: mem.limit,
    memPercent: record.MemPerc !== undefined ? percent(record.MemPerc) : null,
    pids: record.PIDs !== undefined ? Number(record.PIDs) : null,
  };
}

/** Parses docker stats output; an empty output (no containers) gives []. */
export function parseDockerStats(output: string): ContainerStats[] {
  const lines = output.split('\n').map((line) => line.trim()).filter((line) => line.length > 0);
  if (lines.length === 0) return [];
  if (lines[0].startsWith('{')) {
    return lines.map((line) => {
      let record: Record<string, string>;
      try {
        record = JSON.parse(line) as Record<string, string>;
      } catch {
        throw new Error(`docker stats: not a JSON line: ${line.slice(0, 80)}`);
      }
      return fromJson(record);
    });
  }
  // Table: columns are separated by two or more spaces (or tabs).
  const header = lines[0].split(/\s{2,}|\t+/).map((name) => name.trim());
  const index = (name: string) => header.findIndex((column) => column.toUpperCase() === name);
  const cpuAt = index('CPU %');
  const memAt = index('MEM USAGE / LIMIT') >= 0 ? index('MEM USAGE / LIMIT') : index('PRIV WORKING SET');
  if (cpuAt < 0 || memAt < 0) throw new Error('docker stats: table header lacks "CPU %" or "MEM USAGE / LIMIT"');
  const idAt = index('CONTAINER ID') >= 0 ? index('CONTAINER ID') : index('CONTAINER');
  const nameAt = index('NAME');
  const memPercentAt = index('MEM %');
  const pidsAt = index('PIDS');
  return lines.slice(1).map((line) => {
    const cells = line.split(/\s{2,}|\t+/).map((cell) => cell.trim());
    if (cells.length !== header.length) throw new Error(`docker stats: row does not match the header: ${line.slice(0, 80)}`);
    const mem = usage(cells[memAt]);
    return {
      id: idAt >= 0 ? cells[idAt] : null,
      name: nameAt >= 0 ? cells[nameAt] : idAt >= 0 ? cells[idAt] : 'unknown',
      cpuPercent: percent(cells[cpuAt]),
      memUsedBytes: mem.used,
      memLimitBytes: mem.limit,
      memPercent: memPercentAt >= 0 ? percent(cells[memPercentAt]) : null,
      pids: pidsAt >= 0 ? Number(cells[pidsAt]) : null,
    };
  });
}
