/**
 * Writes a day of ALB access logs for the import bench: CI traffic from 40
 * hosts (pip with the index root and with .../simple/, poetry, the seed
 * tool) to 12 targets through 2 load balancer nodes, a steady rate plus,
 * every 10 minutes, a burst of 30 % of those minutes' installs within 10 s
 * (about 25 times the steady rate), as AWS delivers it: one gzip file
 * per node per 5 minutes, each in the order its node answered. Lines follow
 * AWS's documented field order. Deterministic for a given line count.
 */
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createGzip } from 'node:zlib';
import seedrandom from 'seedrandom';

export interface GeneratedLogs {
  dir: string;
  files: number;
  lines: number;
  bytes: number;
  installs: number;
}

const DAY0 = Date.UTC(2025, 5, 3);
const FILE_MS = 300_000;
const PIP = 'pip/25.3 {"ci":true,"cpu":"x86_64","distro":{"id":"bookworm","name":"Debian GNU/Linux","version":"12"},"implementation":{"name":"CPython","version":"3.11.2"},"installer":{"name":"pip","version":"25.3"},"python":"3.11.2","system":{"name":"Linux","release":"6.1.0"}}';
const FLOWS = [
  { share: 0.5, agent: PIP, paths: (p: string, w: string) => [`/${p}/`, `/simple/${p}/`, w] },
  { share: 0.2, agent: PIP, paths: (p: string, w: string) => [`/simple/${p}/`, w] },
  { share: 0.1, agent: 'poetry/2.1.3 CPython/3.12.3 Linux/6.8.0', paths: (p: string, w: string) => [`/simple/${p}/`, w] },
  { share: 0.2, agent: 'python-requests/2.32.3', paths: (p: string, w: string) => [`/${p}/`, `/simple/${p}/`, `/simple/${p}/`, w] },
];

function iso(ms: number): string {
  const micros = Math.round(ms * 1000);
  const whole = Math.floor(micros / 1000);
  return `${new Date(whole).toISOString().slice(0, 23)}${String(micros - whole * 1000).padStart(3, '0')}Z`;
}

interface Line {
  answered: number;
  text: string;
}

/** Generates about `lines` lines under `root` (reused when a previous run left the same set). */
export async function generateAlbLogs(root: string, lines: number): Promise<GeneratedLogs> {
  const dir = join(root, `alb-${lines}`);
  const marker = join(dir, 'generated.json');
  if (existsSync(marker)) return JSON.parse(readFileSync(marker, 'utf8')) as GeneratedLogs;
  rmSync(dir, { recursive: true, force: true });
  const logs = join(dir, 'AWSLogs', '123456789012', 'elasticloadbalancing', 'eu-west-1', '2025', '06', '03');
  mkdirSync(logs, { recursive: true });
  const rng = seedrandom(`alb-bench/${lines}`);
  const hosts = Array.from({ length: 40 }, (_, k) => `10.30.${k >> 4}.${10 + (k & 15)}`);
  const targets = Array.from({ length: 12 }, (_, k) => `10.0.${1 + (k % 2)}.${100 + k}:8080`);
  // Zipf-like popularity over 2000 projects.
  const projects = 2000;
  const pickProject = () => Math.min(projects - 1, Math.floor(projects ** rng() - 1));
  // Installs per 5 minutes to fill a day (2.9 requests per install on average).
  const perWindow = lines / 288 / 2.9;
  let written = 0;
  let bytes = 0;
  let installs = 0;
  let files = 0;
  let port = 1024;
  let carry: Line[][] = [[], []];
  const install = (start: number, out: Line[][]) => {
    installs++;
    const u = rng();
    let acc = 0;
    const flow = FLOWS.find((f) => (acc += f.share) >= u) ?? FLOWS[0];
    const project = `pkg-${String(pickProject()).padStart(4, '0')}`;
    const wheel = `/packages/${project.replace('-', '_')}-2.0.0-py3-none-any.whl`;
    const client = hosts[Math.floor(rng() * hosts.length)];
    const node = Math.floor(rng() * 2);
    const clientPort = (port = port >= 65000 ? 1024 : port + 1);
    let t = start;
    for (const path of flow.paths(project, wheel)) {
      const target = targets[Math.floor(rng() * targets.length)];
      const service = 5 + rng() * rng() * 400;
      const answered = t + 0.5 + service;
      const status = path === `/${project}/` ? 303 : rng() < 0.002 ? 504 : 200;
      const ok = status !== 504;
      const size = path === wheel ? 50263 : path.startsWith('/simple') ? 1180 : 310;
      out[node].push({
        answered: ok ? answered : t + 60_000,
        text:
          `http ${iso(ok ? answered : t + 60_000)} app/pypi-alb/50dc6c495c0c9188 ${client}:${clientPort} ${target} 0.000 ${ok ? (service / 1000).toFixed(3) : '-1'} ${ok ? '0.000' : '-1'} ${status} ${ok ? status : '-'} 230 ${ok ? size : 162} ` +
          `"GET http://pypi.internal:80${path} HTTP/1.1" "${flow.agent}" - - arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/pypi/73e2d6bc24d8a067 "Root=1-${(start / 1000).toString(16).slice(0, 8)}-${written.toString(16).padStart(24, '0')}" "-" "-" 0 ${iso(t)} "forward" "-" "-" "${target}" "${ok ? status : '-'}" "-" "-" TID_${written.toString(16).padStart(16, '0')}`,
      });
      written++;
      if (!ok) break;
      t = answered + 1 + rng() * 4;
    }
  };
  for (let window = 0; written < lines; window++) {
    const from = DAY0 + window * FILE_MS;
    const next: Line[][] = [[], []];
    const current = carry;
    const steady = Math.round(perWindow * 0.7);
    for (let k = 0; k < steady; k++) install(from + rng() * FILE_MS, current);
    if (window % 2 === 0) for (let k = 0; k < Math.round(perWindow * 0.6); k++) install(from + 30_000 + rng() * 10_000, current);
    for (let node = 0; node < 2; node++) {
      const inFile = current[node].filter((l) => l.answered < from + FILE_MS).sort((a, b) => a.answered - b.answered);
      next[node] = current[node].filter((l) => l.answered >= from + FILE_MS);
      const end = new Date(from + FILE_MS).toISOString().replace(/[-:]/g, '').slice(0, 13);
      const path = join(logs, `123456789012_elasticloadbalancing_eu-west-1_app.pypi-alb.50dc6c495c0c9188_${end}Z_10.0.${node}.5_${window.toString(36)}.log.gz`);
      const gzip = createGzip({ level: 1 });
      const sink = createWriteStream(path);
      gzip.pipe(sink);
      for (let k = 0; k < inFile.length; k += 4096) {
        const chunk = `${inFile.slice(k, k + 4096).map((l) => l.text).join('\n')}\n`;
        bytes += Buffer.byteLength(chunk);
        if (!gzip.write(chunk)) await new Promise<void>((resolve) => gzip.once('drain', () => resolve()));
      }
      gzip.end();
      await new Promise<void>((resolve) => sink.once('finish', () => resolve()));
      files++;
    }
    carry = next;
  }
  const generated: GeneratedLogs = { dir, files, lines: written - carry[0].length - carry[1].length, bytes, installs };
  writeFileSync(marker, JSON.stringify(generated));
  return generated;
}
