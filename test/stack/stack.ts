// The real local stack that capsim's live tests run against: nginx (standing in for the ALB) load-balancing
// over S gunicorn servers (standing in for ECS tasks), each serving the real pypiserver (the vendored source,
// pypiserver_app.py) from one package directory of generated wheels; where the vendored copy is absent, the
// lookalike index_app.py. Loopback only. See test/stack/README.md.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { httpGet } from './http-get.js';
import { nginxConfig, waitForAccessLog } from './nginx-config.js';
import { ensureStackPackages, GUNICORN, NGINX, SYSTEM_PYTHON } from './packages.js';
import { killGroup, liveGroupMembers, spawnGroup, tailOf, waitGroupGone, type GroupChild } from './process-groups.js';
import { pypiserverVersion, unpackedPypiserver, vendoredPypiserverTarball } from './pypiserver-source.js';
import { DEFAULT_PROJECT_PREFIX, makeWheels, stackSourceDir, type WheelFile } from './wheels.js';

export { ensureStackPackages } from './packages.js';
export { parseAccessLog, waitForAccessLog, ACCESS_LOG_FORMAT, type AccessLogEntry } from './nginx-config.js';
export { projectName, wheelFileName, DEFAULT_PROJECT_PREFIX, type WheelFile } from './wheels.js';

/** The index each gunicorn serves: the real pypiserver (vendored) or the lookalike (index_app.py). */
export type IndexServer = 'pypiserver' | 'lookalike';

export interface StackOptions {
  servers: number; // gunicorn processes (= "tasks"), each on its own loopback port
  workers: number; // gunicorn workers per server
  workerClass: 'sync' | 'gevent';
  balancing: 'round_robin' | 'least_conn';
  projects?: number; // default 100 (test-package-000 ...)
  versionsPerProject?: number; // default 3 (1.0.0, 1.1.0, 2.0.0)
  cpuSet?: string; // optional taskset CPU list for the gunicorn processes, e.g. "0"
  keepaliveToUpstreams?: boolean; // default false (nginx speaks HTTP/1.1 with Connection: close to gunicorn)
  gunicornTimeoutSeconds?: number; // default 30 (gunicorn's default)
  backlog?: number; // gunicorn --backlog, default 2048 (gunicorn's default; the kernel caps it at somaxconn)
  workerConnections?: number; // gunicorn --worker-connections, default 1000 (gunicorn's default)
  // --- additions ---
  server?: IndexServer; // default: pypiserver when the vendored copy is there, else the lookalike (said in one line)
  backend?: 'simple-dir' | 'cached-dir'; // pypiserver's backend, default simple-dir (the deployed stack's)
  auth?: { username: string; password: string }; // htpasswd (passlib) on every action; pypiserver only
  projectPrefix?: string; // project names, default "test-package-" (test-package-000, ...)
  packagesDir?: string; // serve this existing directory instead of generating wheels (not removed by stop)
  wheelPayloadBytes?: number; // bytes of pseudo-random payload per generated wheel, default 2048 (~2.7 kB wheels)
  hashAlgo?: string; // link fragment hash, default sha256
  captureHeaders?: boolean; // the app appends every request's headers to RunningStack.captureFile
  preload?: boolean; // gunicorn --preload, default true (the terraform module sets preload_app)
  gunicornKeepAliveSeconds?: number; // gunicorn --keep-alive, default 2 (gunicorn's default)
  proxyConnectTimeoutSeconds?: number; // default 10
  proxyReadTimeoutSeconds?: number; // default 60 (the ALB idle timeout: 504 after it)
  clientKeepaliveTimeoutSeconds?: number; // nginx keepalive_timeout for clients, default 60 (ALB idle timeout)
  nginxWorkerConnections?: number; // default 4096
  nginxBacklog?: number; // nginx listen backlog, default 4096
  nginxCpuSet?: string; // optional taskset CPU list for nginx
  startTimeoutMs?: number; // bounded wait for every process to answer, default 30000
  stickiness?: boolean; // default false; true: nginx's sticky mode, like the ALB's lb_cookie (nginx-config.ts)
  stickinessSeconds?: number; // the sticky cookie's Max-Age, default 86400 (the module's 1 day)
}

export interface RunningStack {
  url: string; // http://127.0.0.1:PORT/ (nginx)
  nginxAccessLog: string; // JSON lines, see ACCESS_LOG_FORMAT in nginx-config.ts
  upstreams: string[]; // "127.0.0.1:PORT" of each gunicorn
  packagesDir: string;
  stop(): Promise<void>; // kills everything, removes temp dirs; idempotent
  // --- additions ---
  server: IndexServer;
  serverVersion: string; // pypiserver's version, or "lookalike"
  backend: 'simple-dir' | 'cached-dir';
  tmpDir: string;
  nginxErrorLog: string;
  nginxConfigFile: string;
  gunicornLogs: string[];
  captureFile?: string; // JSON lines {time,pid,method,path,query,protocol,headers} when captureHeaders
  files: WheelFile[]; // every wheel served (empty when packagesDir was given)
  projects: string[]; // project names, sorted
  pids: { nginx: number; gunicorn: number[] }; // each is also its process group id
  startMs: number; // how long startStack took
}

const DEFAULTS = {
  projects: 100,
  versionsPerProject: 3,
  keepaliveToUpstreams: false,
  gunicornTimeoutSeconds: 30,
  backlog: 2048,
  workerConnections: 1000,
  wheelPayloadBytes: 2048,
  hashAlgo: 'sha256',
  captureHeaders: false,
  preload: true,
  gunicornKeepAliveSeconds: 2,
  proxyConnectTimeoutSeconds: 10,
  proxyReadTimeoutSeconds: 60,
  clientKeepaliveTimeoutSeconds: 60,
  nginxWorkerConnections: 4096,
  nginxBacklog: 4096,
  startTimeoutMs: 30_000,
  stickiness: false,
  stickinessSeconds: 86_400,
  backend: 'simple-dir' as const,
  projectPrefix: DEFAULT_PROJECT_PREFIX,
};

type Optional = 'cpuSet' | 'nginxCpuSet' | 'packagesDir' | 'server' | 'auth';
type Resolved = Required<Omit<StackOptions, Optional>> & Pick<StackOptions, Optional>;

const LOOKALIKE_NOTICE =
  'capsim test stack: the vendored pypiserver (test/stack/vendor/pypiserver-*.tar.gz) is absent: serving the lookalike test/stack/index_app.py instead';
/** Set once the notice was printed (inherited by the test workers, so a test run says it once). */
const NOTICE_SHOWN = 'CAPSIM_STACK_LOOKALIKE_NOTICE_SHOWN';

/** Prints the one-line notice when the stack will fall back to the lookalike (once per process tree). */
export function announceIndexServer(): void {
  if (vendoredPypiserverTarball() === null && process.env[NOTICE_SHOWN] !== '1') {
    process.env[NOTICE_SHOWN] = '1';
    console.warn(LOOKALIKE_NOTICE);
  }
}

/** Which index to run, and from where: the vendored pypiserver when it is there, else the lookalike. */
function chooseServer(asked: IndexServer | undefined): { server: IndexServer; pythonPath?: string; version: string } {
  const tarball = vendoredPypiserverTarball();
  if (asked === 'lookalike' || (asked === undefined && tarball === null)) {
    if (asked === undefined) announceIndexServer();
    return { server: 'lookalike', version: 'lookalike' };
  }
  if (tarball === null) throw new Error('capsim test stack: server "pypiserver" needs the vendored test/stack/vendor/pypiserver-*.tar.gz (or CAPSIM_PYPISERVER_TARBALL)');
  const dir = unpackedPypiserver(tarball);
  return { server: 'pypiserver', pythonPath: dir, version: pypiserverVersion(dir) };
}

/** An htpasswd file made by passlib (what pypiserver checks with); the password travels in the environment, not argv. */
function writeHtpasswd(file: string, username: string, password: string): void {
  const script = 'import os\nfrom passlib.apache import HtpasswdFile\nh = HtpasswdFile(os.environ["HTPASSWD_FILE"], new=True)\nh.set_password(os.environ["HTPASSWD_USER"], os.environ["HTPASSWD_PASSWORD"])\nh.save()\n';
  execFileSync(SYSTEM_PYTHON, ['-c', script], { env: { ...childEnv({}), HTPASSWD_FILE: file, HTPASSWD_USER: username, HTPASSWD_PASSWORD: password }, stdio: ['ignore', 'ignore', 'pipe'] });
}

function resolveOptions(o: StackOptions): Resolved {
  const r = { ...DEFAULTS, ...Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) } as Resolved;
  const posInt = (name: keyof Resolved, min = 1) => {
    const v = r[name];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
      throw new Error(`startStack: ${String(name)} must be an integer >= ${min} (got ${JSON.stringify(v)})`);
    }
  };
  for (const k of ['servers', 'workers', 'projects', 'versionsPerProject', 'gunicornTimeoutSeconds', 'backlog',
    'workerConnections', 'gunicornKeepAliveSeconds', 'proxyConnectTimeoutSeconds', 'proxyReadTimeoutSeconds',
    'clientKeepaliveTimeoutSeconds', 'nginxWorkerConnections', 'nginxBacklog', 'startTimeoutMs', 'stickinessSeconds'] as const) posInt(k);
  posInt('wheelPayloadBytes', 0);
  if (r.workerClass !== 'sync' && r.workerClass !== 'gevent') {
    throw new Error(`startStack: workerClass must be "sync" or "gevent" (got ${JSON.stringify(r.workerClass)})`);
  }
  if (r.balancing !== 'round_robin' && r.balancing !== 'least_conn') {
    throw new Error(`startStack: balancing must be "round_robin" or "least_conn" (got ${JSON.stringify(r.balancing)})`);
  }
  for (const k of ['cpuSet', 'nginxCpuSet'] as const) {
    const v = r[k];
    if (v !== undefined && !/^[0-9]+([-,][0-9]+)*$/.test(v)) {
      throw new Error(`startStack: ${k} must be a taskset CPU list like "0" or "0-1" or "0,1" (got ${JSON.stringify(v)})`);
    }
  }
  if (r.backend !== 'simple-dir' && r.backend !== 'cached-dir') {
    throw new Error(`startStack: backend must be "simple-dir" or "cached-dir" (got ${JSON.stringify(r.backend)})`);
  }
  if (r.server !== undefined && r.server !== 'pypiserver' && r.server !== 'lookalike') {
    throw new Error(`startStack: server must be "pypiserver" or "lookalike" (got ${JSON.stringify(r.server)})`);
  }
  if (r.auth !== undefined && (!r.auth.username || !r.auth.password || r.auth.username.includes(':'))) {
    throw new Error('startStack: auth needs a username (without ":") and a password');
  }
  if (r.packagesDir !== undefined && !existsSync(r.packagesDir)) {
    throw new Error(`startStack: packagesDir ${r.packagesDir} does not exist`);
  }
  return r;
}

// --- cleanup of every stack this process started, also when it exits without calling stop() ---

interface Owned {
  groups: GroupChild[];
  reaper?: GroupChild;
  tmpDir: string;
}
const liveStacks = new Set<Owned>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const s of liveStacks) {
      for (const g of s.groups) killGroup(g.pid, 'SIGKILL');
      if (s.reaper) killGroup(s.reaper.pid, 'SIGKILL');
      rmSync(s.tmpDir, { recursive: true, force: true });
    }
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function describeExit(g: GroupChild): string {
  return g.exitSignal ? `killed by ${g.exitSignal}` : `exited with code ${g.exitCode}`;
}

/** Waits until GET url answers 200, while the process is alive; throws naming the process and its log tail. */
async function waitHealthy(g: GroupChild, url: string, deadline: number): Promise<void> {
  let last = 'no answer yet';
  for (;;) {
    if (g.exitCode !== undefined) {
      throw new Error(`capsim test stack: ${g.name} ${describeExit(g)} before answering ${url}; log ${g.logFile}:\n${tailOf(g.logFile)}`);
    }
    try {
      const r = await httpGet(url, { timeoutMs: 2000 });
      if (r.status === 200) return;
      last = `HTTP ${r.status}`;
    } catch (err) {
      last = (err as Error).message;
    }
    if (Date.now() >= deadline) {
      throw new Error(`capsim test stack: ${g.name} did not answer ${url} in time (last: ${last}); log ${g.logFile}:\n${tailOf(g.logFile)}`);
    }
    await sleep(50);
  }
}

/** gunicorn binds port 0 (no race for a free port) and logs "Listening at: http://127.0.0.1:PORT". */
async function waitGunicornPort(g: GroupChild, deadline: number): Promise<number> {
  for (;;) {
    let text = '';
    try {
      text = readFileSync(g.logFile, 'utf8');
    } catch {
      /* not created yet */
    }
    const m = /Listening at: http:\/\/127\.0\.0\.1:(\d+)/.exec(text);
    if (m) return Number(m[1]);
    if (g.exitCode !== undefined) {
      throw new Error(`capsim test stack: ${g.name} ${describeExit(g)} before listening; log ${g.logFile}:\n${tailOf(g.logFile)}`);
    }
    if (Date.now() >= deadline) {
      throw new Error(`capsim test stack: ${g.name} did not start listening in time; log ${g.logFile}:\n${tailOf(g.logFile)}`);
    }
    await sleep(25);
  }
}

/** Every worker of a gunicorn server has booted (one "Booting worker with pid" line each), not just the first. */
async function waitWorkersBooted(g: GroupChild, workers: number, deadline: number): Promise<void> {
  for (;;) {
    let booted = 0;
    try {
      booted = (readFileSync(g.logFile, 'utf8').match(/Booting worker with pid/g) ?? []).length;
    } catch {
      /* not created yet */
    }
    if (booted >= workers) return;
    if (g.exitCode !== undefined) {
      throw new Error(`capsim test stack: ${g.name} ${describeExit(g)} while booting workers; log ${g.logFile}:\n${tailOf(g.logFile)}`);
    }
    if (Date.now() >= deadline) {
      throw new Error(`capsim test stack: ${g.name} booted only ${booted} of ${workers} workers before the deadline; log ${g.logFile}:\n${tailOf(g.logFile)}`);
    }
    await sleep(25);
  }
}

/** This process's environment without its Python paths (the stack's Python is Debian's), plus `extra`. */
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PYTHONDONTWRITEBYTECODE: '1' };
  delete env.PYTHONPATH;
  delete env.PYTHONHOME;
  return { ...env, ...extra };
}

function withTaskset(cpuSet: string | undefined, file: string, args: string[]): [string, string[]] {
  return cpuSet === undefined ? [file, args] : ['/usr/bin/taskset', ['-c', cpuSet, file, ...args]];
}

export async function startStack(opts: StackOptions): Promise<RunningStack> {
  const o = resolveOptions(opts);
  const t0 = Date.now();
  for (const bin of [GUNICORN, NGINX, SYSTEM_PYTHON]) {
    if (!existsSync(bin)) {
      throw new Error(`capsim test stack: ${bin} is missing; call ensureStackPackages() (test/stack/setup.ts does) or install: apt-get install -y gunicorn python3-gevent nginx-light`);
    }
  }
  const srcDir = stackSourceDir();
  const index = chooseServer(o.server);
  if (index.server === 'lookalike' && (o.backend !== 'simple-dir' || o.auth !== undefined)) {
    throw new Error('capsim test stack: the lookalike serves only simple-dir without authentication; the cached-dir backend and auth need the vendored pypiserver');
  }
  const tmp = mkdtempSync(join(tmpdir(), 'capsim-stack-'));
  const owned: Owned = { groups: [], tmpDir: tmp };
  installExitHook();
  liveStacks.add(owned);
  const pgidsFile = join(tmp, 'pgids');
  writeFileSync(pgidsFile, '');
  const track = (g: GroupChild) => {
    owned.groups.push(g);
    appendFileSync(pgidsFile, `${g.pid}\n`);
    return g;
  };

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= stopOwned(owned);
    return stopped;
  };

  try {
    owned.reaper = spawnGroup({
      name: 'reaper',
      file: SYSTEM_PYTHON,
      args: [join(srcDir, 'reaper.py'), String(process.pid), pgidsFile, tmp],
      env: childEnv({}),
      cwd: tmp,
      logFile: join(tmp, 'reaper.log'),
    });

    let packagesDir: string;
    let files: WheelFile[] = [];
    if (o.packagesDir !== undefined) {
      packagesDir = o.packagesDir;
    } else {
      packagesDir = join(tmp, 'packages');
      mkdirSync(packagesDir);
      files = makeWheels(packagesDir, o.projects, o.versionsPerProject, o.wheelPayloadBytes, o.projectPrefix);
    }
    const projects = [...new Set(files.map((f) => f.project))].sort();
    const captureFile = o.captureHeaders ? join(tmp, 'captured-requests.jsonl') : undefined;

    const deadline = Date.now() + o.startTimeoutMs;
    const gunicornArgs = [
      '--worker-class', o.workerClass,
      '--workers', String(o.workers),
      '--bind', '127.0.0.1:0',
      '--backlog', String(o.backlog),
      '--timeout', String(o.gunicornTimeoutSeconds),
      '--worker-connections', String(o.workerConnections),
      '--keep-alive', String(o.gunicornKeepAliveSeconds),
      '--graceful-timeout', '2',
      ...(o.preload ? ['--preload'] : []),
      '--pythonpath', srcDir,
      '--worker-tmp-dir', tmp,
      index.server === 'pypiserver' ? 'pypiserver_app:app' : 'index_app:app',
    ];
    let htpasswd: string | undefined;
    if (o.auth) {
      htpasswd = join(tmp, 'htpasswd');
      writeHtpasswd(htpasswd, o.auth.username, o.auth.password);
    }
    const env = childEnv({
      CAPSIM_STACK_PACKAGES: packagesDir,
      CAPSIM_STACK_HASH_ALGO: o.hashAlgo,
      CAPSIM_STACK_BACKEND: o.backend,
      ...(index.pythonPath ? { PYTHONPATH: index.pythonPath } : {}),
      ...(htpasswd ? { CAPSIM_STACK_HTPASSWD: htpasswd } : {}),
      ...(captureFile ? { CAPSIM_STACK_CAPTURE_HEADERS: captureFile } : {}),
    });
    const gunicorns: GroupChild[] = [];
    for (let i = 0; i < o.servers; i++) {
      const [file, args] = withTaskset(o.cpuSet, GUNICORN, gunicornArgs);
      gunicorns.push(track(spawnGroup({ name: `gunicorn server ${i}`, file, args, env, cwd: tmp, logFile: join(tmp, `gunicorn-${i}.log`) })));
    }
    const ports = await Promise.all(gunicorns.map((g) => waitGunicornPort(g, deadline)));
    const upstreams = ports.map((p) => `127.0.0.1:${p}`);
    await Promise.all(gunicorns.map((g, i) => waitHealthy(g, `http://${upstreams[i]}/health`, deadline)));
    await Promise.all(gunicorns.map((g) => waitWorkersBooted(g, o.workers, deadline)));

    const nginxDir = join(tmp, 'nginx');
    mkdirSync(nginxDir);
    const accessLog = join(nginxDir, 'access.log');
    const errorLog = join(nginxDir, 'error.log');
    const confFile = join(nginxDir, 'nginx.conf');
    let nginx: GroupChild | undefined;
    let url = '';
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      writeFileSync(confFile, nginxConfig({
        listenPort: port,
        upstreams,
        balancing: o.balancing,
        keepaliveToUpstreams: o.keepaliveToUpstreams,
        upstreamKeepaliveConnections: 64,
        upstreamKeepaliveTimeoutSeconds: Math.max(1, o.gunicornKeepAliveSeconds - 1),
        workerConnections: o.nginxWorkerConnections,
        listenBacklog: o.nginxBacklog,
        clientKeepaliveTimeoutSeconds: o.clientKeepaliveTimeoutSeconds,
        proxyConnectTimeoutSeconds: o.proxyConnectTimeoutSeconds,
        proxyReadTimeoutSeconds: o.proxyReadTimeoutSeconds,
        accessLog,
        errorLog,
        pidFile: join(nginxDir, 'nginx.pid'),
        stickySeconds: o.stickiness ? o.stickinessSeconds : null,
        tempDir: nginxDir,
        runAsRoot: process.getuid?.() === 0,
      }));
      const [file, args] = withTaskset(o.nginxCpuSet, NGINX, ['-p', nginxDir, '-e', errorLog, '-c', confFile]);
      const g = track(spawnGroup({ name: 'nginx', file, args, env: childEnv({}), cwd: tmp, logFile: join(nginxDir, 'stderr.log') }));
      url = `http://127.0.0.1:${port}/`;
      try {
        await waitHealthy(g, `${url}health`, deadline);
        nginx = g;
        break;
      } catch (err) {
        const inUse = /Address already in use/.test(tailOf(errorLog) + tailOf(g.logFile));
        if (!inUse || attempt >= 3) throw err;
        await g.exited; // lost the port race to another process: try another port
      }
    }
    // The health probes above are not part of any measurement: start every log empty (after nginx has written
    // the probe's line, which it does just after the response went out).
    await waitForAccessLog(accessLog, 1, 5000);
    writeFileSync(accessLog, '');
    if (captureFile) writeFileSync(captureFile, '');

    return {
      url,
      nginxAccessLog: accessLog,
      upstreams,
      packagesDir,
      stop,
      server: index.server,
      serverVersion: index.version,
      backend: o.backend,
      tmpDir: tmp,
      nginxErrorLog: errorLog,
      nginxConfigFile: confFile,
      gunicornLogs: gunicorns.map((g) => g.logFile),
      captureFile,
      files,
      projects,
      pids: { nginx: nginx.pid, gunicorn: gunicorns.map((g) => g.pid) },
      startMs: Date.now() - t0,
    };
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
}

async function stopOwned(s: Owned): Promise<void> {
  // Quick shutdown: SIGINT makes gunicorn master and workers exit at once; SIGTERM is nginx's fast shutdown.
  for (const g of s.groups) killGroup(g.pid, g.name === 'nginx' ? 'SIGTERM' : 'SIGINT');
  const gone = await Promise.all(s.groups.map((g) => waitGroupGone(g.pid, 3000)));
  const stubborn = s.groups.filter((_, i) => !gone[i]);
  for (const g of stubborn) killGroup(g.pid, 'SIGKILL');
  const goneAfterKill = await Promise.all(stubborn.map((g) => waitGroupGone(g.pid, 3000)));
  if (s.reaper) {
    killGroup(s.reaper.pid, 'SIGKILL');
    await waitGroupGone(s.reaper.pid, 3000);
  }
  rmSync(s.tmpDir, { recursive: true, force: true });
  liveStacks.delete(s);
  const left = stubborn.filter((_, i) => !goneAfterKill[i]);
  if (left.length > 0) {
    throw new Error(`capsim test stack: processes left after SIGKILL: ${left.map((g) => `${g.name} group ${g.pid}: ${liveGroupMembers(g.pid).join(',')}`).join('; ')}`);
  }
}
