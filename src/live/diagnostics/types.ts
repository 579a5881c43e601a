/** What one diagnostics collection holds: raw command output and the numbers parsed from it. */
import type { ContainerStats } from '../parsers/docker-stats.js';
import type { FreeParsed } from '../parsers/free.js';
import type { NfsMountDelta } from '../parsers/mountstats.js';
import type { MpstatParsed } from '../parsers/mpstat.js';
import type { VmstatParsed } from '../parsers/vmstat.js';

export const DIAGNOSTIC_COMMANDS = ['vmstat', 'free', 'mpstat', 'docker', 'nfs'] as const;
export type DiagnosticCommand = (typeof DIAGNOSTIC_COMMANDS)[number];

export interface CommandOutput {
  /** The command line that ran. */
  command: string;
  /** Exit status, null when it never finished. */
  exitCode: number | null;
  /** Everything it printed (stdout and stderr). */
  raw: string;
}

export interface ParsedHostFigures {
  /** From mpstat's Average row (vmstat's interval mean when mpstat failed), percent. */
  cpu: { user: number; system: number; iowait: number; idle: number; steal: number; source: 'mpstat' | 'vmstat' } | null;
  /** From free -m, MiB. */
  memory: {
    totalMb: number;
    usedMb: number;
    freeMb: number;
    availableMb: number | null;
    buffCacheMb: number | null;
    swapTotalMb: number;
    swapUsedMb: number;
  } | null;
  /** From vmstat's interval rows, KiB/s. */
  swap: { inKiBPerSecond: number; outKiBPerSecond: number; inKiBPerSecondMax: number; outKiBPerSecondMax: number } | null;
  /** From docker stats. */
  containers: ContainerStats[] | null;
  /** NFS client counters per mount over the sampling window (/proc/self/mountstats before and after); [] without NFS mounts. */
  nfs: NfsMountDelta[] | null;
  /** The full parser results, for whoever needs more. */
  detail: { vmstat?: VmstatParsed; free?: FreeParsed; mpstat?: MpstatParsed };
}

export interface HostDiagnostics {
  /** "localhost" or the EC2 instance id. */
  host: string;
  startedAt: string;
  finishedAt: string;
  raw: Partial<Record<DiagnosticCommand, CommandOutput>>;
  parsed: ParsedHostFigures;
  /** Failures of this host's collection (command failed, parse failed, SSM status). */
  errors: string[];
}

export interface DiagnosticsTrigger {
  /** Human label, e.g. "burst iteration 5". */
  label: string;
  iteration?: number;
  /** Seconds since the run started. */
  atSeconds: number;
}

export interface DiagnosticsCollection {
  source: 'local' | 'ssm';
  trigger: DiagnosticsTrigger;
  startedAt: string;
  finishedAt: string;
  hosts: HostDiagnostics[];
  /** Failures of the collection as a whole (listing instances, SendCommand, ...). */
  errors: string[];
}

/** Runs the diagnostic commands somewhere. collect() never rejects: failures are recorded in the result. */
export interface DiagnosticsCollector {
  readonly source: 'local' | 'ssm';
  /** Seconds the commands sample for (vmstat/mpstat interval count). */
  readonly sampleSeconds: number;
  /** `signal` abandons the collection early (the run is being stopped); what came back is still returned. */
  collect(trigger: DiagnosticsTrigger, signal?: AbortSignal): Promise<DiagnosticsCollection>;
}
