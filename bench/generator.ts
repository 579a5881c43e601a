/**
 * Bench: how fast are capsim's load generators, and how much latency does each
 * add, next to wrk on the same zero-work nginx endpoint on loopback, in the same run.
 *
 *  - throughput: 510 concurrent clients (the seed's burst), each on its own
 *    keep-alive connection like a pip process, closed loop, for a few seconds;
 *    the native generator records every request through the same recorder as validate.
 *  - added latency: 1 client, sequential requests; mean and median latency of
 *    each engine minus wrk's.
 *  - the Locust engine: the run's locustfile's own attempt (requests under gevent,
 *    what a Locust worker sends every request with), in one Python process: what one
 *    worker adds to each request and how many it sends with 510 clients.
 *
 * Run: node dist/bench/generator.js [--json] [--seconds 3]
 * Needs nginx and wrk (Debian: apt-get install -y nginx-light wrk), and Debian's
 * python3-locust for the Locust figures.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { ConnectionCounter, InstallConnections } from '../src/live/connections.js';
import { DEFAULT_LOCUST_PYTHON } from '../src/live/locust/cluster.js';
import { locustfileFor } from '../src/live/locust/run-locust.js';
import { loadScenario } from '../src/scenario/load.js';
import { sendAttempt } from '../src/live/http-attempt.js';
import type { RequestRecord } from '../src/live/install.js';
import { RequestRecorder } from '../src/live/recorder.js';
import { Redactor } from '../src/live/redact.js';

const NGINX = '/usr/sbin/nginx';
const WRK = '/usr/bin/wrk';

interface LoadFigures {
  requestsPerSecond: number;
  meanMs: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function startNginx(dir: string, port: number): Promise<ChildProcess> {
  const conf = path.join(dir, 'nginx.conf');
  writeFileSync(
    conf,
    `worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log;
daemon off;
${process.getuid?.() === 0 ? 'user root;' : ''}
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  keepalive_requests 1000000; keepalive_timeout 60s;
  server { listen 127.0.0.1:${port} backlog=4096; location / { return 200 "ok"; } }
}
`,
  );
  const child = spawn(NGINX, ['-p', dir, '-c', conf], { stdio: 'ignore' });
  const deadline = Date.now() + 10_000;
  for (;;) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (up) return child;
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`nginx did not start on port ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function toMs(text: string): number {
  const match = /^([\d.]+)(us|ms|s|m)$/.exec(text.trim());
  if (!match) throw new Error(`wrk: cannot read latency "${text}"`);
  const value = Number(match[1]);
  return match[2] === 'us' ? value / 1000 : match[2] === 'ms' ? value : match[2] === 's' ? value * 1000 : value * 60_000;
}

/** Parses wrk's --latency output. */
export function parseWrk(output: string): LoadFigures {
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(output);
  const mean = /Latency\s+(\S+)/.exec(output);
  const p50 = /\s50%\s+(\S+)/.exec(output);
  const p99 = /\s99%\s+(\S+)/.exec(output);
  if (!rps || !mean || !p50 || !p99) throw new Error(`wrk: unexpected output:\n${output}`);
  const errors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(output);
  return {
    requestsPerSecond: Number(rps[1]),
    meanMs: toMs(mean[1]),
    p50Ms: toMs(p50[1]),
    p99Ms: toMs(p99[1]),
    errors: (errors ? errors.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0) + (non2xx ? Number(non2xx[1]) : 0),
  };
}

function runWrk(url: string, connections: number, seconds: number): Promise<LoadFigures> {
  const threads = Math.min(2, connections);
  return new Promise((resolve, reject) => {
    execFile(WRK, [`-t${threads}`, `-c${connections}`, `-d${seconds}s`, '--latency', url], { timeout: (seconds + 30) * 1000 }, (error, stdout) => {
      if (error) reject(new Error(`wrk failed: ${error.message}`));
      else resolve(parseWrk(stdout));
    });
  });
}

/** The generator's request path: one keep-alive connection per client, every request recorded to ndjson. */
async function runGenerator(url: string, clients: number, seconds: number, recordFile: string): Promise<LoadFigures> {
  const base = new URL(url);
  const recorder = new RequestRecorder(recordFile, new Redactor());
  const counter = new ConnectionCounter();
  const latencies: number[] = [];
  let errors = 0;
  const headers = { 'user-agent': 'capsim-bench', accept: '*/*', 'accept-encoding': 'identity', connection: 'keep-alive' };
  const start = performance.now();
  const end = start + seconds * 1000;
  let completedInWindow = 0;
  const client = async (id: number) => {
    const timeoutMs = 15_000; // validate's default --timeout-s, timed by sendAttempt as in a run
    const connections = new InstallConnections(counter, timeoutMs);
    const { client: http, connectionId } = connections.clientFor(base.origin);
    let n = 0;
    while (performance.now() < end) {
      const result = await sendAttempt({ client: http, connectionId, path: '/', headers, keepBody: false, timeoutMs });
      const record: RequestRecord = {
        time: new Date().toISOString(),
        t: (result.startPerf - start) / 1000,
        install: id,
        iteration: 0,
        operation: 'download',
        op: n++,
        attempt: 0,
        hop: 0,
        method: 'GET',
        path: '/',
        status: result.status ?? null,
        latency_ms: result.latencyMs,
        bytes: result.bytes,
        error_class: result.errorClass ?? null,
        connection: result.connection,
        upstream: result.upstream,
      };
      recorder.write(record);
      if (result.status === 200) {
        if (result.startPerf + result.latencyMs <= end) {
          latencies.push(result.latencyMs);
          completedInWindow += 1;
        }
      } else errors += 1;
    }
    await connections.close();
  };
  await Promise.all(Array.from({ length: clients }, (_, i) => client(i)));
  await recorder.close();
  latencies.sort((a, b) => a - b);
  const mean = latencies.reduce((sum, v) => sum + v, 0) / Math.max(1, latencies.length);
  return {
    requestsPerSecond: completedInWindow / seconds,
    meanMs: mean,
    p50Ms: latencies[Math.floor(0.5 * latencies.length)] ?? NaN,
    p99Ms: latencies[Math.floor(0.99 * latencies.length)] ?? NaN,
    errors,
  };
}

/** Closed-loop clients on the locustfile's attempt, in one Python process (a Locust worker's request path). */
const LOCUST_CLIENTS = `
import json, sys, time
sys.path.insert(0, sys.argv[1])
import capsim_locustfile as lf
import gevent, requests
url, clients, seconds = sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
headers = {"user-agent": "capsim-bench", "accept": "*/*", "accept-encoding": "identity", "connection": "keep-alive"}
latencies, records, errors = [], [], [0]
start = time.monotonic()
end = start + seconds
def client(i):
    session = lf.new_session(requests.cookies.RequestsCookieJar())
    n = 0
    while time.monotonic() < end:
        a = lf.send_attempt(session, url, headers, False, lf.KINDS[0]["client"]["timeoutSeconds"])
        n += 1
        # what a worker keeps of every request (its record; batching and sending are apart from the request)
        records.append({"start": a.start, "install": i, "op": n, "status": a.status, "latency_ms": lf.round3(a.latency), "bytes": a.bytes, "error_class": a.error_class, "connection": a.connection, "upstream": a.upstream})
        if a.status == 200:
            if (a.start + a.latency) / 1000.0 <= end:
                latencies.append(a.latency)
        else:
            errors[0] += 1
gevent.joinall([gevent.spawn(client, i) for i in range(clients)])
latencies.sort()
n = len(latencies)
print(json.dumps({"requestsPerSecond": n / seconds, "meanMs": sum(latencies) / max(1, n), "p50Ms": latencies[n // 2] if n else None, "p99Ms": latencies[int(0.99 * n)] if n else None, "errors": errors[0]}))
`;

function runLocustClients(dir: string, url: string, clients: number, seconds: number): Promise<LoadFigures> {
  return new Promise((resolve, reject) => {
    execFile(DEFAULT_LOCUST_PYTHON, ['-c', LOCUST_CLIENTS, dir, url, String(clients), String(seconds)], { cwd: dir, timeout: (seconds + 60) * 1000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`the Locust engine's client failed: ${(stderr || error.message).trim().split('\n').pop()}`));
      else resolve(JSON.parse(stdout.trim().split('\n').pop()!) as LoadFigures);
    });
  });
}

/** Runs the bench and returns its figures (rates in requests/s, latencies in ms, ratios generator/wrk). */
export async function benchGenerator(options: { seconds?: number; clients?: number } = {}): Promise<Record<string, number>> {
  const seconds = options.seconds ?? 3;
  const clients = options.clients ?? 510;
  for (const binary of [NGINX, WRK]) if (!existsSync(binary)) throw new Error(`${binary} is missing (apt-get install -y nginx-light wrk)`);
  const dir = mkdtempSync(path.join(tmpdir(), 'capsim-bench-'));
  const port = await freePort();
  const nginx = await startNginx(dir, port);
  const url = `http://127.0.0.1:${port}/`;
  try {
    // Warm both paths once (connections, JIT) before measuring.
    await runGenerator(url, 16, 0.5, path.join(dir, 'warm.ndjson'));
    const wrkBurst = await runWrk(url, clients, seconds);
    const genBurst = await runGenerator(url, clients, seconds, path.join(dir, 'burst.ndjson'));
    const wrkSingle = await runWrk(url, 1, seconds);
    const genSingle = await runGenerator(url, 1, seconds, path.join(dir, 'single.ndjson'));
    // The locustfile of a run against this endpoint (its attempt does not depend on the flow).
    writeFileSync(path.join(dir, 'capsim_locustfile.py'), locustfileFor(loadScenario('pip-burst'), url));
    await runLocustClients(dir, url, 16, 0.5);
    const locustBurst = await runLocustClients(dir, url, clients, seconds);
    const locustSingle = await runLocustClients(dir, url, 1, seconds);
    return {
      clients,
      seconds,
      wrk_rps_at_clients: wrkBurst.requestsPerSecond,
      generator_rps_at_clients: genBurst.requestsPerSecond,
      rps_ratio_generator_to_wrk: genBurst.requestsPerSecond / wrkBurst.requestsPerSecond,
      wrk_p50_ms_at_clients: wrkBurst.p50Ms,
      generator_p50_ms_at_clients: genBurst.p50Ms,
      wrk_p99_ms_at_clients: wrkBurst.p99Ms,
      generator_p99_ms_at_clients: genBurst.p99Ms,
      wrk_errors: wrkBurst.errors + wrkSingle.errors,
      generator_errors: genBurst.errors + genSingle.errors,
      wrk_mean_ms_single: wrkSingle.meanMs,
      generator_mean_ms_single: genSingle.meanMs,
      wrk_p50_ms_single: wrkSingle.p50Ms,
      generator_p50_ms_single: genSingle.p50Ms,
      added_latency_ms_mean: genSingle.meanMs - wrkSingle.meanMs,
      added_latency_ms_p50: genSingle.p50Ms - wrkSingle.p50Ms,
      latency_ratio_single_p50: genSingle.p50Ms / wrkSingle.p50Ms,
      wrk_rps_single: wrkSingle.requestsPerSecond,
      generator_rps_single: genSingle.requestsPerSecond,
      locust_worker_rps_at_clients: locustBurst.requestsPerSecond,
      rps_ratio_locust_worker_to_wrk: locustBurst.requestsPerSecond / wrkBurst.requestsPerSecond,
      locust_worker_p50_ms_at_clients: locustBurst.p50Ms,
      locust_worker_p99_ms_at_clients: locustBurst.p99Ms,
      locust_errors: locustBurst.errors + locustSingle.errors,
      locust_mean_ms_single: locustSingle.meanMs,
      locust_p50_ms_single: locustSingle.p50Ms,
      locust_added_latency_ms_mean: locustSingle.meanMs - wrkSingle.meanMs,
      locust_added_latency_ms_p50: locustSingle.p50Ms - wrkSingle.p50Ms,
      locust_latency_ratio_single_p50: locustSingle.p50Ms / wrkSingle.p50Ms,
      locust_rps_single: locustSingle.requestsPerSecond,
    };
  } finally {
    nginx.kill('SIGTERM');
    await new Promise((resolve) => (nginx.exitCode !== null ? resolve(null) : nginx.once('exit', resolve)));
    rmSync(dir, { recursive: true, force: true });
  }
}

function render(figures: Record<string, number>): string {
  const f = (v: number, d = 2) => v.toFixed(d);
  return [
    `capsim load generator vs wrk, zero-work nginx on loopback, ${figures.seconds} s per run`,
    `  ${figures.clients} concurrent keep-alive clients: generator ${f(figures.generator_rps_at_clients, 0)} req/s, wrk ${f(figures.wrk_rps_at_clients, 0)} req/s, ratio ${f(figures.rps_ratio_generator_to_wrk, 3)}`,
    `     P50 generator ${f(figures.generator_p50_ms_at_clients)} ms vs wrk ${f(figures.wrk_p50_ms_at_clients)} ms; P99 ${f(figures.generator_p99_ms_at_clients)} vs ${f(figures.wrk_p99_ms_at_clients)} ms`,
    `  1 client, sequential: mean generator ${f(figures.generator_mean_ms_single, 3)} ms vs wrk ${f(figures.wrk_mean_ms_single, 3)} ms: adds ${f(figures.added_latency_ms_mean, 3)} ms a request (P50 adds ${f(figures.added_latency_ms_p50, 3)} ms, ratio ${f(figures.latency_ratio_single_p50, 2)})`,
    `  Locust engine (one worker process, the locustfile's attempt): ${f(figures.locust_worker_rps_at_clients, 0)} req/s at ${figures.clients} clients (ratio to wrk ${f(figures.rps_ratio_locust_worker_to_wrk, 3)}), P50 ${f(figures.locust_worker_p50_ms_at_clients)} ms`,
    `     1 client: mean ${f(figures.locust_mean_ms_single, 3)} ms: adds ${f(figures.locust_added_latency_ms_mean, 3)} ms a request (P50 adds ${f(figures.locust_added_latency_ms_p50, 3)} ms, ratio ${f(figures.locust_latency_ratio_single_p50, 2)})`,
    `  errors: generator ${figures.generator_errors}, Locust ${figures.locust_errors}, wrk ${figures.wrk_errors}`,
  ].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const json = process.argv.includes('--json');
  const secondsAt = process.argv.indexOf('--seconds');
  const seconds = secondsAt > 0 ? Number(process.argv[secondsAt + 1]) : undefined;
  benchGenerator({ seconds }).then(
    (figures) => process.stdout.write(`${json ? JSON.stringify(figures, null, 2) : render(figures)}\n`),
    (error: Error) => {
      process.stderr.write(`bench/generator: ${error.message}\n`);
      process.exitCode = 1;
    },
  );
}
