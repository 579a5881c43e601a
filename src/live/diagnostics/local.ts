/** Runs the diagnostic script on this machine (for the local test stack). */
import { spawn } from 'node:child_process';
import { parseHostSections, diagnosticsScript, splitSections } from './script.js';
import type { DiagnosticsCollection, DiagnosticsCollector, DiagnosticsTrigger } from './types.js';

export interface LocalDiagnosticsOptions {
  /** Sampling window, seconds (vmstat/mpstat sample count). */
  sampleSeconds?: number;
  /** Kill the script (its whole process group) after this long, ms (default: window + 20 s). */
  timeoutMs?: number;
}

interface ScriptResult {
  stdout: string;
  problem?: string;
}

function runScript(script: string, timeoutMs: number, signal?: AbortSignal): Promise<ScriptResult> {
  return new Promise((resolve) => {
    let stdout = '';
    let killed = false;
    let abandoned = false;
    const child = spawn('bash', ['-c', script], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const kill = () => {
      killed = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* already gone */
      }
    };
    const timer = setTimeout(kill, timeoutMs);
    const onAbort = () => {
      abandoned = true;
      kill();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.resume();
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve({ stdout, problem: `diagnostics script: ${error.message}` });
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (abandoned) resolve({ stdout, problem: 'diagnostics script: abandoned (run stopped)' });
      else if (killed) resolve({ stdout, problem: `diagnostics script: killed after ${timeoutMs} ms` });
      else resolve({ stdout, problem: code === 0 ? undefined : `diagnostics script: exit ${code}` });
    });
  });
}

export class LocalDiagnostics implements DiagnosticsCollector {
  readonly source = 'local' as const;
  readonly sampleSeconds: number;
  private readonly timeoutMs: number;

  constructor(options: LocalDiagnosticsOptions = {}) {
    this.sampleSeconds = Math.max(1, Math.round(options.sampleSeconds ?? 5));
    this.timeoutMs = options.timeoutMs ?? (this.sampleSeconds + 20) * 1000;
  }

  async collect(trigger: DiagnosticsTrigger, signal?: AbortSignal): Promise<DiagnosticsCollection> {
    const startedAt = new Date().toISOString();
    const { stdout, problem } = await runScript(diagnosticsScript(this.sampleSeconds), this.timeoutMs, signal);
    const finishedAt = new Date().toISOString();
    const errors = problem ? [problem] : [];
    const host = parseHostSections('localhost', splitSections(stdout, this.sampleSeconds), startedAt, finishedAt, errors);
    return { source: 'local', trigger, startedAt, finishedAt, hosts: [host], errors: [] };
  }
}
