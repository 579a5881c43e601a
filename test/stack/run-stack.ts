// Start and stop the local stack by hand (test/stack/stack.sh compiles this and runs it):
//   stack.sh start [--servers 2 --workers 4 --worker-class gevent --balancing least_conn ...]
//   stack.sh status | stop | serve (foreground, Ctrl-C stops)   [--name NAME to run several]
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startStack, type StackOptions } from './stack.js';
import { tailOf } from './process-groups.js';

const USAGE = `usage: stack.sh start|serve|status|stop [--name NAME] [--servers N] [--workers N]
  [--worker-class sync|gevent] [--balancing round_robin|least_conn] [--projects N] [--versions N]
  [--cpu-set LIST] [--keepalive-to-upstreams] [--timeout SECONDS] [--backlog N] [--worker-connections N]
  [--stickiness [--stickiness-seconds S]]
  [--capture-headers] [--server pypiserver|lookalike] [--backend simple-dir|cached-dir]`;

interface State {
  name: string;
  pid: number;
  url: string;
  upstreams: string[];
  nginxAccessLog: string;
  captureFile?: string;
  packagesDir: string;
  tmpDir: string;
  options: StackOptions;
}

class UsageError extends Error {}

function stateDir(): string {
  return process.env.CAPSIM_STACK_STATE_DIR ?? join(tmpdir(), 'capsim-stack-state');
}

function intFlag(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new UsageError(`--${name} must be a whole number (got "${v}")`);
  return Number(v);
}

function parse(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      name: { type: 'string', default: 'default' },
      servers: { type: 'string', default: '2' },
      workers: { type: 'string', default: '4' },
      'worker-class': { type: 'string', default: 'gevent' },
      balancing: { type: 'string', default: 'round_robin' },
      projects: { type: 'string' },
      versions: { type: 'string' },
      'cpu-set': { type: 'string' },
      'keepalive-to-upstreams': { type: 'boolean', default: false },
      timeout: { type: 'string' },
      backlog: { type: 'string' },
      'worker-connections': { type: 'string' },
      'capture-headers': { type: 'boolean', default: false },
      stickiness: { type: 'boolean', default: false },
      'stickiness-seconds': { type: 'string' },
      server: { type: 'string' },
      backend: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return { command: 'help', name: 'default', options: undefined };
  if (positionals.length !== 1) throw new UsageError(USAGE);
  if (!/^[A-Za-z0-9_-]+$/.test(values.name!)) throw new UsageError(`--name must be letters, digits, - or _ (got "${values.name}")`);
  const wc = values['worker-class'];
  if (wc !== 'sync' && wc !== 'gevent') throw new UsageError(`--worker-class must be sync or gevent (got "${wc}")`);
  const bal = values.balancing;
  if (bal !== 'round_robin' && bal !== 'least_conn') throw new UsageError(`--balancing must be round_robin or least_conn (got "${bal}")`);
  const server = values.server;
  if (server !== undefined && server !== 'pypiserver' && server !== 'lookalike') throw new UsageError(`--server must be pypiserver or lookalike (got "${server}")`);
  const backend = values.backend;
  if (backend !== undefined && backend !== 'simple-dir' && backend !== 'cached-dir') throw new UsageError(`--backend must be simple-dir or cached-dir (got "${backend}")`);
  const options: StackOptions = {
    server,
    backend,
    servers: intFlag(values.servers, 'servers')!,
    workers: intFlag(values.workers, 'workers')!,
    workerClass: wc,
    balancing: bal,
    projects: intFlag(values.projects, 'projects'),
    versionsPerProject: intFlag(values.versions, 'versions'),
    cpuSet: values['cpu-set'],
    keepaliveToUpstreams: values['keepalive-to-upstreams'],
    gunicornTimeoutSeconds: intFlag(values.timeout, 'timeout'),
    backlog: intFlag(values.backlog, 'backlog'),
    workerConnections: intFlag(values['worker-connections'], 'worker-connections'),
    captureHeaders: values['capture-headers'],
    stickiness: values.stickiness,
    stickinessSeconds: intFlag(values['stickiness-seconds'], 'stickiness-seconds'),
  };
  return { command: positionals[0], name: values.name!, options };
}

function readState(file: string): State | undefined {
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as State;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function describe(s: State): string {
  return [
    `url           ${s.url}`,
    `upstreams     ${s.upstreams.join(' ')}`,
    `access log    ${s.nginxAccessLog}`,
    ...(s.captureFile ? [`headers log   ${s.captureFile}`] : []),
    `packages      ${s.packagesDir}`,
    `pid           ${s.pid} (stop it with: stack.sh stop --name ${s.name})`,
  ].join('\n');
}

async function serve(name: string, options: StackOptions): Promise<void> {
  mkdirSync(stateDir(), { recursive: true });
  const file = join(stateDir(), `${name}.json`);
  const stack = await startStack(options);
  const state: State = {
    name,
    pid: process.pid,
    url: stack.url,
    upstreams: stack.upstreams,
    nginxAccessLog: stack.nginxAccessLog,
    captureFile: stack.captureFile,
    packagesDir: stack.packagesDir,
    tmpDir: stack.tmpDir,
    options,
  };
  writeFileSync(file, JSON.stringify(state, null, 2));
  console.log(describe(state));
  console.log(`started in ${stack.startMs} ms; Ctrl-C or SIGTERM stops it`);
  const shutdown = async () => {
    await stack.stop();
    rmSync(file, { force: true });
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());
  setInterval(() => undefined, 1 << 30); // stay alive until a signal
}

async function start(name: string, argv: string[]): Promise<void> {
  const dir = stateDir();
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.json`);
  const old = readState(file);
  if (old && alive(old.pid)) throw new UsageError(`stack "${name}" is already running at ${old.url} (pid ${old.pid}); stop it first`);
  rmSync(file, { force: true });
  const log = join(dir, `${name}.log`);
  const fd = openSync(log, 'w');
  const args = [fileURLToPath(import.meta.url), 'serve', ...argv.filter((a) => a !== 'start')];
  const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  child.unref();
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const s = readState(file);
    if (s) {
      console.log(describe(s));
      return;
    }
    if (child.exitCode !== null || !alive(child.pid!)) throw new Error(`the stack did not start; ${log}:\n${tailOf(log)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the stack did not start within 60 s; ${log}:\n${tailOf(log)}`);
}

async function stop(name: string): Promise<void> {
  const file = join(stateDir(), `${name}.json`);
  const s = readState(file);
  if (!s || !alive(s.pid)) {
    rmSync(file, { force: true });
    console.log(`stack "${name}" is not running`);
    return;
  }
  process.kill(s.pid, 'SIGTERM');
  const deadline = Date.now() + 15_000;
  while (alive(s.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (alive(s.pid)) throw new Error(`stack "${name}" (pid ${s.pid}) did not stop within 15 s`);
  console.log(`stack "${name}" stopped`);
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const { command, name, options } = parse(argv);
  switch (command) {
    case 'help':
      console.log(USAGE);
      return;
    case 'serve':
      return serve(name, options!);
    case 'start':
      return start(name, argv);
    case 'stop':
      return stop(name);
    case 'status': {
      const s = readState(join(stateDir(), `${name}.json`));
      console.log(s && alive(s.pid) ? describe(s) : `stack "${name}" is not running`);
      return;
    }
    default:
      throw new UsageError(`unknown command "${command}"\n${USAGE}`);
  }
}

main().catch((err: Error) => {
  console.error(`stack: ${err.message}`);
  process.exit(err instanceof UsageError || (err as NodeJS.ErrnoException).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? 2 : 1);
});
