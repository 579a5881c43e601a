/**
 * The shell script both collectors run (locally with bash, remotely through
 * SSM's AWS-RunShellScript): vmstat, free -m, mpstat, docker stats and the NFS
 * client counters (/proc/self/mountstats at the start and at the end of the
 * window) in parallel, each bounded by `timeout`, printed as marked sections;
 * plus the splitter and the parser of its output.
 */
import { parseDockerStats } from '../parsers/docker-stats.js';
import { parseFree } from '../parsers/free.js';
import { mountstatsDelta, type NfsMountDelta } from '../parsers/mountstats.js';
import { parseMpstat } from '../parsers/mpstat.js';
import { parseVmstat } from '../parsers/vmstat.js';
import {
  DIAGNOSTIC_COMMANDS,
  type CommandOutput,
  type DiagnosticCommand,
  type HostDiagnostics,
  type ParsedHostFigures,
} from './types.js';

const SECTION = '@@capsim-section';
/** Separates the two mountstats snapshots of the nfs section. */
const MOUNTSTATS_AFTER = '@@capsim-mountstats-after';

/** The NFS mounts' sections of /proc/self/mountstats (other mounts print one line each; left out). */
const NFS_MOUNTSTATS = 'awk "/^device /{k=/ with fstype nfs/} k" /proc/self/mountstats';

/** The nfs section: per NFS mount, the counters' change over the window. */
export function parseNfsSection(text: string): NfsMountDelta[] {
  const at = text.indexOf(MOUNTSTATS_AFTER);
  if (at < 0) throw new Error('the second /proc/self/mountstats snapshot is missing');
  return mountstatsDelta(text.slice(0, at), text.slice(at + MOUNTSTATS_AFTER.length));
}

/** The command line of each diagnostic for a sampling window of `sampleSeconds` (>= 1). */
export function diagnosticCommandLines(sampleSeconds: number): Record<DiagnosticCommand, string> {
  const n = Math.max(1, Math.round(sampleSeconds));
  return {
    // n + 1 rows: the first is the since-boot average, then n one-second samples.
    vmstat: `vmstat 1 ${n + 1}`,
    free: 'free -m',
    mpstat: `mpstat 1 ${n}`,
    docker: "docker stats --no-stream --format '{{json .}}'",
    nfs: `sh -c '${NFS_MOUNTSTATS}; sleep ${n}; echo ${MOUNTSTATS_AFTER}; ${NFS_MOUNTSTATS}'`,
  };
}

/** A POSIX shell script printing every diagnostic as a marked section. */
export function diagnosticsScript(sampleSeconds: number): string {
  const n = Math.max(1, Math.round(sampleSeconds));
  const lines = diagnosticCommandLines(n);
  const limit = n + 15;
  const half = Math.floor(n / 2);
  const job = (name: DiagnosticCommand, command: string, delay = 0) =>
    `( ${delay > 0 ? `sleep ${delay}; ` : ''}LC_ALL=C timeout ${limit} ${command} >"$d/${name}" 2>&1; echo $? >"$d/${name}.rc" ) &`;
  return [
    'd=$(mktemp -d /tmp/capsim-diag.XXXXXX) || exit 1',
    job('vmstat', lines.vmstat),
    // free is a snapshot: take it in the middle of the sampling window.
    job('free', lines.free, half),
    job('mpstat', lines.mpstat),
    job('docker', lines.docker),
    job('nfs', lines.nfs),
    'wait',
    `for c in ${DIAGNOSTIC_COMMANDS.join(' ')}; do echo "${SECTION} $c rc=$(cat "$d/$c.rc" 2>/dev/null)"; cat "$d/$c" 2>/dev/null; done`,
    'rm -rf "$d"',
  ].join('\n');
}

/** Splits the script's output into one CommandOutput per diagnostic. */
export function splitSections(stdout: string, sampleSeconds: number): Partial<Record<DiagnosticCommand, CommandOutput>> {
  const lines = diagnosticCommandLines(sampleSeconds);
  const out: Partial<Record<DiagnosticCommand, CommandOutput>> = {};
  let current: CommandOutput | null = null;
  for (const line of stdout.split('\n')) {
    const marker = new RegExp(`^${SECTION} (\\w+) rc=(\\d*)$`).exec(line);
    if (marker && (DIAGNOSTIC_COMMANDS as readonly string[]).includes(marker[1])) {
      const name = marker[1] as DiagnosticCommand;
      current = { command: lines[name], exitCode: marker[2] === '' ? null : Number(marker[2]), raw: '' };
      out[name] = current;
      continue;
    }
    if (current) current.raw += `${line}\n`;
  }
  for (const output of Object.values(out)) if (output) output.raw = output.raw.replace(/\n+$/, '\n');
  return out;
}

function describeExit(name: string, output: CommandOutput | undefined): string | null {
  if (!output) return `${name}: no output section (the script did not finish)`;
  if (output.exitCode === 124) return `${name}: timed out`;
  if (output.exitCode === 127) return `${name}: command not found`;
  if (output.exitCode !== 0) {
    const firstLine = output.raw.split('\n').find((line) => line.trim().length > 0) ?? '';
    return `${name}: exit ${output.exitCode ?? 'unknown'}${firstLine ? `: ${firstLine.trim().slice(0, 200)}` : ''}`;
  }
  return null;
}

/** Parses the sections of one host into numbers; every failure becomes an entry of `errors`. */
export function parseHostSections(
  host: string,
  raw: Partial<Record<DiagnosticCommand, CommandOutput>>,
  startedAt: string,
  finishedAt: string,
  errors: string[] = [],
): HostDiagnostics {
  const parsed: ParsedHostFigures = { cpu: null, memory: null, swap: null, containers: null, nfs: null, detail: {} };
  const attempt = <T>(name: DiagnosticCommand, parse: (text: string) => T): T | undefined => {
    const output = raw[name];
    const exitProblem = describeExit(name, output);
    if (exitProblem) {
      errors.push(exitProblem);
      return undefined;
    }
    try {
      return parse(output!.raw);
    } catch (error) {
      errors.push(`${name}: ${(error as Error).message}`);
      return undefined;
    }
  };
  const vmstat = attempt('vmstat', parseVmstat);
  const free = attempt('free', parseFree);
  const mpstat = attempt('mpstat', parseMpstat);
  const containers = attempt('docker', parseDockerStats);
  const nfs = attempt('nfs', parseNfsSection);
  if (nfs) parsed.nfs = nfs;
  if (vmstat) {
    parsed.detail.vmstat = vmstat;
    parsed.swap = {
      inKiBPerSecond: vmstat.swapInKiBPerSecond,
      outKiBPerSecond: vmstat.swapOutKiBPerSecond,
      inKiBPerSecondMax: vmstat.max.si,
      outKiBPerSecondMax: vmstat.max.so,
    };
  }
  if (mpstat) parsed.detail.mpstat = mpstat;
  // mpstat's CPU split when it ran, else vmstat's.
  const cpu = mpstat ? { figures: mpstat, source: 'mpstat' as const } : vmstat ? { figures: vmstat, source: 'vmstat' as const } : null;
  if (cpu) {
    parsed.cpu = {
      user: cpu.figures.cpuUserPercent,
      system: cpu.figures.cpuSystemPercent,
      iowait: cpu.figures.cpuIowaitPercent,
      idle: cpu.figures.cpuIdlePercent,
      steal: cpu.figures.cpuStealPercent,
      source: cpu.source,
    };
  }
  if (free) {
    parsed.detail.free = free;
    parsed.memory = {
      totalMb: free.memTotalMb,
      usedMb: free.memUsedMb,
      freeMb: free.memFreeMb,
      availableMb: free.memAvailableMb,
      buffCacheMb: free.memBuffCacheMb,
      swapTotalMb: free.swapTotalMb,
      swapUsedMb: free.swapUsedMb,
    };
  }
  if (containers) parsed.containers = containers;
  return { host, startedAt, finishedAt, raw, parsed, errors };
}

/** A host whose collection failed before any command output came back. */
export function failedHost(host: string, startedAt: string, finishedAt: string, error: string): HostDiagnostics {
  return {
    host,
    startedAt,
    finishedAt,
    raw: {},
    parsed: { cpu: null, memory: null, swap: null, containers: null, nfs: null, detail: {} },
    errors: [error],
  };
}
