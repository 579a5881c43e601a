// Start, stop and failure of the stack: nothing is left behind, errors name what failed, the crash path
// (the Node process dies without calling stop()) is cleaned up by the reaper, the CPU pinning applies.
import { spawn, execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { httpGet } from './http-get.js';
import { nginxConfig } from './nginx-config.js';
import { installCommands, missingStackPieces, NGINX, STACK_DEBIAN_PACKAGES } from './packages.js';
import { vendoredPypiserverTarball } from './pypiserver-source.js';
import { liveGroupMembers } from './process-groups.js';
import { startStack, type RunningStack } from './stack.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));

function allMembers(s: Pick<RunningStack, 'pids'>): number[] {
  return [s.pids.nginx, ...s.pids.gunicorn].flatMap((g) => liveGroupMembers(g));
}

function refusesConnections(hostPort: string): Promise<boolean> {
  const [host, port] = hostPort.split(':');
  return new Promise((resolve) => {
    const sock = net.connect(Number(port), host);
    sock.once('connect', () => {
      sock.destroy();
      resolve(false);
    });
    sock.once('error', () => resolve(true));
  });
}

async function waitFor(cond: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return cond();
}

describe('stack lifecycle', () => {
  it('has its Debian packages (globalSetup installed them) and installs them with apt-get update + install -y', () => {
    expect(missingStackPieces()).toEqual([]);
    const cmds = installCommands().map((c) => [c.file, ...c.args].join(' '));
    expect(cmds[0]).toMatch(/^apt-get .*update$/);
    expect(cmds[1]).toMatch(/^apt-get .*install -y /);
    for (const p of STACK_DEBIAN_PACKAGES) expect(cmds[1].split(' ')).toContain(p);
    expect([...STACK_DEBIAN_PACKAGES].sort()).toEqual([
      'gunicorn', 'nginx-light', 'python3-defusedxml', 'python3-gevent', 'python3-locust', 'python3-packaging', 'python3-passlib',
      'python3-pip', 'python3-poetry', 'python3-watchdog', 'sysstat',
    ]);
  });

  it('writes nginx configurations that nginx itself accepts (nginx -t), for every balancing, keep-alive and sticky choice', () => {
    const dir = mkdtempSync(join(tmpdir(), 'capsim-nginx-t-'));
    try {
      for (const balancing of ['round_robin', 'least_conn'] as const) {
        for (const keepaliveToUpstreams of [false, true]) {
          for (const stickySeconds of [null, 86_400]) {
            const conf = nginxConfig({
              listenPort: 1, upstreams: ['127.0.0.1:2', '127.0.0.1:3'], balancing, keepaliveToUpstreams,
              upstreamKeepaliveConnections: 64, upstreamKeepaliveTimeoutSeconds: 1, workerConnections: 4096, listenBacklog: 4096,
              clientKeepaliveTimeoutSeconds: 60, proxyConnectTimeoutSeconds: 10, proxyReadTimeoutSeconds: 60,
              accessLog: join(dir, 'access.log'), errorLog: join(dir, 'error.log'), pidFile: join(dir, 'nginx.pid'), tempDir: dir,
              runAsRoot: process.getuid?.() === 0, stickySeconds,
            });
            expect(conf.includes('least_conn;')).toBe(balancing === 'least_conn');
            expect(conf.includes('keepalive 64;')).toBe(keepaliveToUpstreams);
            expect(conf.includes('Set-Cookie "AWSALB=$upstream_addr; Path=/; Max-Age=86400"')).toBe(stickySeconds !== null);
            writeFileSync(join(dir, 'nginx.conf'), conf);
            execFileSync(NGINX, ['-t', '-q', '-p', dir, '-e', join(dir, 'error.log'), '-c', join(dir, 'nginx.conf')], { stdio: 'pipe' });
          }
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stop() kills every process of every group, frees the ports, removes the temp dir, and is idempotent', async () => {
    const s = await startStack({ servers: 2, workers: 2, workerClass: 'gevent', balancing: 'round_robin', projects: 3 });
    expect(s.startMs).toBeGreaterThan(0);
    expect((await httpGet(`${s.url}simple/test-package-001/`)).status).toBe(200);
    // 2 gunicorn masters + 4 workers, nginx master + 1 worker.
    expect(allMembers(s)).toHaveLength(8);
    expect(existsSync(s.tmpDir)).toBe(true);
    await s.stop();
    expect(allMembers(s)).toEqual([]);
    expect(existsSync(s.tmpDir)).toBe(false);
    for (const hp of [new URL(s.url).host, ...s.upstreams]) expect(await refusesConnections(hp)).toBe(true);
    await s.stop();
  });

  it('pins the gunicorn processes with taskset when cpuSet is given', async () => {
    const s = await startStack({ servers: 1, workers: 2, workerClass: 'sync', balancing: 'round_robin', projects: 2, cpuSet: '0' });
    try {
      const pids = liveGroupMembers(s.pids.gunicorn[0]);
      expect(pids).toHaveLength(3);
      for (const pid of pids) {
        const status = readFileSync(`/proc/${pid}/status`, 'utf8');
        expect(/Cpus_allowed_list:\s*(\S+)/.exec(status)?.[1]).toBe('0');
      }
    } finally {
      await s.stop();
    }
  });

  it('rejects nonsense options with one clear message', async () => {
    await expect(startStack({ servers: 0, workers: 1, workerClass: 'sync', balancing: 'round_robin' })).rejects.toThrow(
      'startStack: servers must be an integer >= 1 (got 0)',
    );
    await expect(startStack({ servers: 1, workers: 1, workerClass: 'eventlet' as 'sync', balancing: 'round_robin' })).rejects.toThrow(
      /workerClass must be "sync" or "gevent"/,
    );
    await expect(startStack({ servers: 1, workers: 1, workerClass: 'sync', balancing: 'round_robin', cpuSet: 'all' })).rejects.toThrow(/cpuSet/);
  });

  it('a server that cannot start fails startStack with its name and log tail, and leaves nothing behind', async () => {
    const before = readdirSync(tmpdir()).filter((d) => d.startsWith('capsim-stack-'));
    const err = await startStack({ servers: 2, workers: 1, workerClass: 'sync', balancing: 'round_robin', projects: 2, hashAlgo: 'no-such-hash' }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err).toBeInstanceOf(Error);
    expect(err!.message).toMatch(/^capsim test stack: gunicorn server \d exited with code \d+ before listening; log /);
    expect(err!.message).toMatch(/unsupported hash type|no-such-hash/);
    const after = readdirSync(tmpdir()).filter((d) => d.startsWith('capsim-stack-'));
    expect(after.filter((d) => !before.includes(d))).toEqual([]);
  });

  it('when the Node process dies without stop(), the reaper kills the stack and removes its temp dir', async () => {
    // Compile the stack into a temp dir so that a plain child Node process can load it.
    const out = mkdtempSync(join(tmpdir(), 'capsim-stack-js-'));
    try {
      const tsc = join(HERE, '..', '..', 'node_modules', 'typescript', 'bin', 'tsc');
      execFileSync(process.execPath, [tsc, '--outDir', out, '--rootDir', HERE, '--module', 'nodenext', '--moduleResolution', 'nodenext',
        '--target', 'es2022', '--strict', '--skipLibCheck', join(HERE, 'stack.ts')], { stdio: 'pipe' });
      for (const py of ['index_app.py', 'pypiserver_app.py', 'stack_capture.py', 'make_wheels.py', 'reaper.py']) copyFileSync(join(HERE, py), join(out, py));
      const script = join(out, 'child.mjs');
      writeFileSync(script, `import { startStack } from './stack.js';
const s = await startStack({ servers: 1, workers: 2, workerClass: 'gevent', balancing: 'round_robin', projects: 2 });
console.log(JSON.stringify({ pids: s.pids, tmpDir: s.tmpDir, url: s.url }));
setInterval(() => {}, 1000);
`);
      // The copy lives outside the repository: tell it where the vendored pypiserver is (when there is one).
      const tarball = vendoredPypiserverTarball();
      const env = { ...process.env, ...(tarball ? { CAPSIM_PYPISERVER_TARBALL: tarball } : {}) };
      const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'pipe'], env });
      const info = await new Promise<{ pids: RunningStack['pids']; tmpDir: string; url: string }>((resolve, reject) => {
        let buf = '';
        let errBuf = '';
        child.stdout.on('data', (d: Buffer) => {
          buf += d.toString();
          if (buf.includes('\n')) resolve(JSON.parse(buf.split('\n')[0]));
        });
        child.stderr.on('data', (d: Buffer) => (errBuf += d.toString()));
        child.once('exit', (code) => reject(new Error(`child exited with ${code}: ${errBuf}`)));
      });
      expect(allMembers(info).length).toBe(5);
      expect((await httpGet(`${info.url}health`)).status).toBe(200);
      child.kill('SIGKILL');
      expect(await waitFor(() => allMembers(info).length === 0 && !existsSync(info.tmpDir), 10_000)).toBe(true);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
