// nginx spreads requests over the gunicorn servers: round robin alternates, least_conn avoids a busy server,
// keep-alive to upstreams reuses connections.
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { httpGet } from './http-get.js';
import { killGroup } from './process-groups.js';
import { startStack, waitForAccessLog, type RunningStack, type StackOptions } from './stack.js';

let stack: RunningStack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

const base: StackOptions = { servers: 2, workers: 1, workerClass: 'sync', balancing: 'round_robin', projects: 5 };

/**
 * Sends `count` requests one after another. Server 0 is frozen (SIGSTOP): a request nginx sends there never
 * answers, so after `patienceMs` it is left hanging (still open, so nginx still counts it as active there)
 * and the next one is sent. Returns the upstreams of the answered requests and the number left hanging.
 */
async function sequentialWithFrozenServer(s: RunningStack, count: number, patienceMs: number) {
  const answeredBy: string[] = [];
  const hanging: http.ClientRequest[] = [];
  const frozen = s.pids.gunicorn[0];
  killGroup(frozen, 'SIGSTOP');
  try {
    for (let i = 0; i < count; i++) {
      const req = http.get(`${s.url}simple/test-package-001/`, { agent: false });
      const upstream = await new Promise<string | undefined>((resolve) => {
        const timer = setTimeout(() => resolve(undefined), patienceMs);
        req.on('response', (res) => {
          clearTimeout(timer);
          res.resume();
          resolve(String(res.headers['x-upstream']));
        });
        req.on('error', () => undefined);
      });
      if (upstream === undefined) hanging.push(req);
      else answeredBy.push(upstream);
    }
  } finally {
    killGroup(frozen, 'SIGCONT');
  }
  for (const req of hanging) req.destroy();
  return { answeredBy, hanging: hanging.length };
}

describe('nginx load balancing over gunicorn servers', () => {
  it('round robin alternates strictly between 2 upstreams (X-Upstream header and access log agree)', async () => {
    stack = await startStack(base);
    const seen: string[] = [];
    for (let i = 0; i < 10; i++) {
      const r = await httpGet(`${stack.url}simple/test-package-001/`);
      expect(r.status).toBe(200);
      seen.push(String(r.headers['x-upstream']));
    }
    expect(new Set(seen)).toEqual(new Set(stack.upstreams));
    for (let i = 1; i < seen.length; i++) expect(seen[i]).not.toBe(seen[i - 1]);
    const logged = (await waitForAccessLog(stack.nginxAccessLog, 10)).map((e) => e.upstream);
    expect(logged).toEqual(seen);
  });

  it('round robin keeps sending every other request to a frozen server', async () => {
    stack = await startStack(base);
    const { answeredBy, hanging } = await sequentialWithFrozenServer(stack, 6, 400);
    expect(hanging).toBe(3);
    expect(answeredBy).toEqual([stack.upstreams[1], stack.upstreams[1], stack.upstreams[1]]);
  });

  it('least_conn sends everything else to the idle server once one request hangs on the frozen one', async () => {
    stack = await startStack({ ...base, balancing: 'least_conn' });
    const { answeredBy, hanging } = await sequentialWithFrozenServer(stack, 6, 400);
    expect(hanging).toBe(1);
    expect(answeredBy).toEqual(Array(5).fill(stack.upstreams[1]));
  });

  it('keeps connections to gunicorn alive when asked (one nginx-side port), closes them otherwise (HTTP/1.1 either way, like the ALB)', async () => {
    const peers = async (keepaliveToUpstreams: boolean) => {
      stack = await startStack({ ...base, servers: 1, workerClass: 'gevent', keepaliveToUpstreams, captureHeaders: true, gunicornKeepAliveSeconds: 5 });
      for (let i = 0; i < 5; i++) expect((await httpGet(`${stack.url}simple/test-package-001/`)).status).toBe(200);
      const lines = readFileSync(stack.captureFile!, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
      await stack.stop();
      stack = undefined;
      return lines as { protocol: string; remote_port: string; headers: Record<string, string> }[];
    };
    const kept = await peers(true);
    expect(kept).toHaveLength(5);
    expect(kept.every((l) => l.protocol === 'HTTP/1.1' && l.headers.connection === undefined)).toBe(true);
    expect(new Set(kept.map((l) => l.remote_port)).size).toBe(1);
    const closed = await peers(false);
    expect(closed.every((l) => l.protocol === 'HTTP/1.1' && l.headers.connection === 'close')).toBe(true);
    expect(new Set(closed.map((l) => l.remote_port)).size).toBe(5);
  });
});
