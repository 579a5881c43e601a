// A tiny HTTP server on loopback that answers like pypiserver's routes (303 from /<project>/, a PEP 503
// page with ../../packages/ links, the wheel bytes), with knobs to inject failures. Used to test the
// generator's mechanics (retries, timeouts, redirects, interruption); the real stack is test/stack.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  path: string;
  headers: http.IncomingHttpHeaders;
  remotePort: number;
}

export interface TinyIndex {
  url: string;
  seen: SeenRequest[];
  close(): Promise<void>;
}

/** Returning a number answers with that status; 'hang' never answers; undefined answers normally. */
export type Fault = (path: string, count: number) => number | 'hang' | 'reset' | undefined;

/**
 * `setCookie(n)`: a Set-Cookie header for the n-th response (1, 2, ...), like a sticky balancer's, or undefined.
 */
export async function startTinyIndex(options: { fault?: Fault; delayMs?: number; setCookie?: (response: number) => string | undefined } = {}): Promise<TinyIndex> {
  let responses = 0;
  const seen: SeenRequest[] = [];
  const counts = new Map<string, number>();
  const sockets = new Set<import('node:net').Socket>();
  const server = http.createServer((req, res) => {
    const path = req.url ?? '/';
    seen.push({ path, headers: req.headers, remotePort: req.socket.remotePort ?? 0 });
    const count = (counts.get(path) ?? 0) + 1;
    counts.set(path, count);
    const answer = () => {
      const cookie = options.setCookie?.(++responses);
      if (cookie !== undefined) res.setHeader('set-cookie', cookie);
      const fault = options.fault?.(path, count);
      if (fault === 'hang') return;
      if (fault === 'reset') {
        req.socket.destroy();
        return;
      }
      if (typeof fault === 'number') {
        res.writeHead(fault, { 'content-type': 'text/plain', 'x-upstream': '127.0.0.1:9' });
        res.end(`status ${fault}`);
        return;
      }
      const project = /^\/(pkg-\d{3})\/$/.exec(path);
      if (project) {
        res.writeHead(303, { location: `/simple/${project[1]}/`, 'x-upstream': '127.0.0.1:1' });
        res.end();
        return;
      }
      const simple = /^\/simple\/(pkg-\d{3})\/$/.exec(path);
      if (simple) {
        const name = simple[1].replace('-', '_');
        const links = ['1.0.0', '1.1.0', '2.0.0']
          .map((v) => `<a href="../../packages/${name}-${v}-py3-none-any.whl#sha256=00ff">${name}-${v}-py3-none-any.whl</a><br>`)
          .join('\n');
        res.writeHead(200, { 'content-type': 'text/html', 'x-upstream': '127.0.0.1:2' });
        res.end(`<html><body>\n${links}\n</body></html>`);
        return;
      }
      if (path.startsWith('/packages/') && path.endsWith('.whl')) {
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'x-upstream': '127.0.0.1:1' });
        res.end(Buffer.alloc(1000, 7));
        return;
      }
      res.writeHead(404);
      res.end('not found');
    };
    if (options.delayMs) setTimeout(answer, options.delayMs);
    else answer();
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
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
