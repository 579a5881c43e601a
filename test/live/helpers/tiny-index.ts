// A tiny HTTP server on loopback that answers like pypiserver's routes (the /simple/ project list, 303 from
// /<project>/, a PEP 503 page with ../../packages/ links, the wheel bytes, a 303 to the public index for a
// project it does not hold), with knobs to inject failures and to serve the list as PEP 691 JSON, as
// something else, or empty. Used to test the generator's mechanics (retries, timeouts, redirects,
// interruption) and discovery's errors; the real stack is test/stack.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  remotePort: number;
  /** The cookie (name=value) its response set, if any. */
  setCookie?: string;
}

export interface TinyIndex {
  url: string;
  /** Every request, discovery's included. */
  seen: SeenRequest[];
  /** The requests of the load: everything after validate's discovery (the list, each page, a HEAD per file). */
  load(): SeenRequest[];
  projects: string[];
  close(): Promise<void>;
}

/**
 * Returning a number answers with that status; 'hang' never answers; 'garbage' answers 200 with a body that is
 * no index page (no links); undefined answers normally. Faults apply to the load only (not to discovery's
 * requests); `count` is the path's nth request of the load.
 */
export type Fault = (path: string, count: number) => number | 'hang' | 'reset' | 'garbage' | undefined;

export interface TinyIndexOptions {
  fault?: Fault;
  /** Answers every request of the load this late (discovery's are answered at once). */
  delayMs?: number;
  /** Holds every answer of the load until this settles (discovery's are answered at once). */
  gate?: Promise<unknown>;
  /** Projects the index holds (default demo-000 .. demo-009), each with versions 1.0.0, 1.1.0, 2.0.0. */
  projects?: string[];
  /** How /simple/ answers: HTML (default), PEP 691 JSON when the client accepts it, plain text, or a list of nothing. */
  listing?: 'html' | 'json' | 'text' | 'empty';
  /** A project it does not hold: 303 to the public index (pypiserver's default) or 404 (--disable-fallback). */
  unknownProject?: 'fallback' | 404;
  /** A Set-Cookie header for the load's n-th response (1, 2, ...), like a sticky balancer's, or undefined. */
  setCookie?: (response: number) => string | undefined;
}

const VERSIONS = ['1.0.0', '1.1.0', '2.0.0'];
const WHEEL_BYTES = 1000;
const wheelName = (project: string, version: string) => `${project.replace(/[-.]+/g, '_')}-${version}-py3-none-any.whl`;

export async function startTinyIndex(options: TinyIndexOptions = {}): Promise<TinyIndex> {
  const projects = options.projects ?? Array.from({ length: 10 }, (_, i) => `demo-${String(i).padStart(3, '0')}`);
  const held = new Set(projects);
  let responses = 0;
  const seen: SeenRequest[] = [];
  const counts = new Map<string, number>();
  const sockets = new Set<import('node:net').Socket>();
  // Discovery ends with a HEAD of every file; the load is everything after the last of them.
  const files = projects.length * VERSIONS.length;
  let heads = 0;
  let loadStart = Number.POSITIVE_INFINITY;
  const server = http.createServer((req, res) => {
    const path = req.url ?? '/';
    const request: SeenRequest = { method: req.method ?? 'GET', path, headers: req.headers, remotePort: req.socket.remotePort ?? 0 };
    seen.push(request);
    if (req.method === 'HEAD' && ++heads === files) loadStart = seen.length;
    const inLoad = seen.length > loadStart;
    const count = inLoad ? (counts.get(path) ?? 0) + 1 : 0;
    if (inLoad) counts.set(path, count);
    const answer = () => {
      const cookie = inLoad ? options.setCookie?.(++responses) : undefined;
      if (cookie !== undefined) {
        res.setHeader('set-cookie', cookie);
        request.setCookie = cookie.split(';')[0];
      }
      const fault = inLoad ? options.fault?.(path, count) : undefined;
      if (fault === 'hang') return;
      if (fault === 'reset') {
        req.socket.destroy();
        return;
      }
      if (fault === 'garbage') {
        res.writeHead(200, { 'content-type': 'text/html', 'x-upstream': '127.0.0.1:3' });
        res.end('<html><body>\u00ff\u00fe not an index page</body></html>');
        return;
      }
      if (typeof fault === 'number') {
        res.writeHead(fault, { 'content-type': 'text/plain', 'x-upstream': '127.0.0.1:9' });
        res.end(`status ${fault}`);
        return;
      }
      if (path === '/simple/') {
        const names = options.listing === 'empty' ? [] : projects;
        if (options.listing === 'text') {
          res.writeHead(200, { 'content-type': 'text/plain' });
          res.end(names.join('\n'));
        } else if (options.listing === 'json' && (req.headers.accept ?? '').includes('application/vnd.pypi.simple.v1+json')) {
          res.writeHead(200, { 'content-type': 'application/vnd.pypi.simple.v1+json' });
          res.end(JSON.stringify({ meta: { 'api-version': '1.1' }, projects: names.map((name) => ({ name })) }));
        } else {
          res.writeHead(200, { 'content-type': 'text/html; charset=UTF-8' });
          res.end(`<html><body>\n${names.map((n) => `<a href="${n}/">${n}</a><br>`).join('\n')}\n</body></html>`);
        }
        return;
      }
      const root = /^\/([a-z0-9-]+)\/$/.exec(path);
      if (root && root[1] !== 'simple' && root[1] !== 'packages') {
        res.writeHead(303, { location: `/simple/${root[1]}/`, 'x-upstream': '127.0.0.1:1' });
        res.end();
        return;
      }
      const simple = /^\/simple\/([a-z0-9-]+)\/$/.exec(path);
      if (simple) {
        if (!held.has(simple[1]) && options.unknownProject === 404) {
          res.writeHead(404, { 'content-type': 'text/plain' });
          res.end('Not Found');
          return;
        }
        if (!held.has(simple[1])) {
          res.writeHead(303, { location: `https://pypi.org/simple/${simple[1]}/`, 'x-upstream': '127.0.0.1:2' });
          res.end();
          return;
        }
        const links = VERSIONS.map((v) => `<a href="../../packages/${wheelName(simple[1], v)}#sha256=00ff">${wheelName(simple[1], v)}</a><br>`).join('\n');
        res.writeHead(200, { 'content-type': 'text/html', 'x-upstream': '127.0.0.1:2' });
        res.end(`<html><body>\n${links}\n</body></html>`);
        return;
      }
      if (path.startsWith('/packages/') && path.endsWith('.whl')) {
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(WHEEL_BYTES), 'x-upstream': '127.0.0.1:1' });
        res.end(req.method === 'HEAD' ? undefined : Buffer.alloc(WHEEL_BYTES, 7));
        return;
      }
      res.writeHead(404);
      res.end('not found');
    };
    const delayed = () => (options.delayMs && inLoad ? setTimeout(answer, options.delayMs) : answer());
    if (options.gate && inLoad) void options.gate.then(delayed, delayed);
    else delayed();
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    seen,
    projects,
    load: () => seen.slice(Math.min(loadStart, seen.length)),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
