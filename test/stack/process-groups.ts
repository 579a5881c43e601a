// Child processes of the local stack, each in its own process group, so stop() can kill a gunicorn master
// together with its workers (or nginx with its worker) and check that nothing is left.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync } from 'node:fs';

export interface GroupChild {
  name: string;
  pid: number; // also the process group id
  child: ChildProcess;
  logFile: string;
  exitCode: number | null | undefined; // undefined while running
  exitSignal: NodeJS.Signals | null;
  exited: Promise<void>;
}

export interface SpawnGroupOptions {
  name: string;
  file: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  logFile: string; // stdout and stderr go here
}

export function spawnGroup(o: SpawnGroupOptions): GroupChild {
  const fd = openSync(o.logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(o.file, o.args, { cwd: o.cwd, env: o.env, detached: true, stdio: ['ignore', fd, fd] });
  } finally {
    closeSync(fd);
  }
  if (child.pid === undefined) throw new Error(`could not start ${o.name} (${o.file})`);
  child.unref();
  const g: GroupChild = {
    name: o.name,
    pid: child.pid,
    child,
    logFile: o.logFile,
    exitCode: undefined,
    exitSignal: null,
    exited: Promise.resolve(),
  };
  g.exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      g.exitCode = code;
      g.exitSignal = signal;
      resolve();
    });
    child.once('error', () => {
      if (g.exitCode === undefined) g.exitCode = -1;
      resolve();
    });
  });
  return g;
}

/** Sends a signal to a whole process group; a group that is already gone is not an error. */
export function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

/** Processes (not zombies) whose process group is pgid, read from /proc. */
export function liveGroupMembers(pgid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    // Fields after the ")" that closes the command name: state ppid pgrp ...
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(rest[2]) === pgid && rest[0] !== 'Z' && rest[0] !== 'X') out.push(Number(entry));
  }
  return out;
}

export async function waitGroupGone(pgid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (liveGroupMembers(pgid).length === 0) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function tailOf(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
