/**
 * Parses `free -m` (procps): the Mem: and Swap: rows under the header
 * "total used free shared buff/cache available". Values are MiB.
 */

export interface FreeParsed {
  memTotalMb: number;
  memUsedMb: number;
  memFreeMb: number;
  memSharedMb: number | null;
  memBuffCacheMb: number | null;
  memAvailableMb: number | null;
  swapTotalMb: number;
  swapUsedMb: number;
  swapFreeMb: number;
}

function row(lines: string[], label: string): number[] | null {
  const line = lines.find((candidate) => candidate.startsWith(label));
  if (!line) return null;
  return line
    .slice(label.length)
    .trim()
    .split(/\s+/)
    .map(Number);
}

/** Parses `free -m` output; throws an Error naming what was missing. */
export function parseFree(output: string): FreeParsed {
  const lines = output.split('\n').map((line) => line.trim()).filter((line) => line.length > 0);
  const header = lines.find((line) => /^total\s+used\s+free/.test(line));
  if (!header) throw new Error('free: no "total used free ..." header line found');
  const columns = header.split(/\s+/);
  const mem = row(lines, 'Mem:');
  const swap = row(lines, 'Swap:');
  if (!mem || mem.some(Number.isNaN)) throw new Error('free: no numeric "Mem:" row');
  if (!swap || swap.length < 3 || swap.some(Number.isNaN)) throw new Error('free: no numeric "Swap:" row');
  const at = (name: string): number | null => {
    const index = columns.indexOf(name);
    return index >= 0 && index < mem.length ? mem[index] : null;
  };
  return {
    memTotalMb: mem[0],
    memUsedMb: mem[1],
    memFreeMb: mem[2],
    memSharedMb: at('shared'),
    memBuffCacheMb: at('buff/cache') ?? (at('buffers') !== null && at('cached') !== null ? at('buffers')! + at('cached')! : null),
    memAvailableMb: at('available'),
    swapTotalMb: swap[0],
    swapUsedMb: swap[1],
    swapFreeMb: swap[2],
  };
}
