import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionCounter, InstallConnections } from '../../src/live/connections.js';
import { clientHeaders } from '../../src/live/client-headers.js';
import { sendAttempt } from '../../src/live/http-attempt.js';
import { HttpCookieJar } from '../../src/live/cookie-jar.js';
import { runInstall, type RequestRecord } from '../../src/live/install.js';

/**
 * A listener that never accepts, with its one-slot accept queue filled: the kernel drops further SYNs,
 * so a connect hangs (as toward an overloaded or firewalled server) instead of being refused.
 */
async function hangingListener(): Promise<{ port: number; child: ChildProcess; fillers: net.Socket[] }> {
  const child = spawn('/usr/bin/python3', ['-c', "import socket,time\ns=socket.socket()\ns.bind(('127.0.0.1',0))\ns.listen(0)\nprint(s.getsockname()[1],flush=True)\ntime.sleep(120)"], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
    child.once('error', reject);
  });
  // Fill the accept queue (Linux keeps backlog + 1 connections waiting).
  const fillers: net.Socket[] = [];
  for (let i = 0; i < 2; i++) {
    const socket = net.connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    fillers.push(socket);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { port, child, fillers };
}

describe('a connect that hangs', () => {
  let listener: Awaited<ReturnType<typeof hangingListener>>;
  beforeAll(async () => {
    listener = await hangingListener();
  });
  afterAll(() => {
    for (const s of listener.fillers) s.destroy();
    listener.child.kill();
  });

  it('fails as connect_timeout at the timeout, and a discarded client lets the retry connect afresh', async () => {
    const origin = `http://127.0.0.1:${listener.port}`;
    const connections = new InstallConnections(new ConnectionCounter(), 400);
    const first = connections.clientFor(origin);
    const result = await sendAttempt({ client: first.client, connectionId: first.connectionId, path: '/', headers: {}, keepBody: false, timeoutMs: 400 });
    expect(result.errorClass).toBe('connect_timeout');
    expect(result.connection).toBeNull();
    expect(result.latencyMs).toBeGreaterThan(395); // node timers may fire a fraction of a ms early on the perf clock
    expect(result.latencyMs).toBeLessThan(500);
    // The timed-out request is still queued on the old client; the retry must not wait behind it.
    connections.discard(origin);
    const second = connections.clientFor(origin);
    expect(second.client).not.toBe(first.client);
    const retry = await sendAttempt({ client: second.client, connectionId: second.connectionId, path: '/', headers: {}, keepBody: false, timeoutMs: 400 });
    expect(retry.errorClass).toBe('connect_timeout');
    expect(retry.latencyMs).toBeGreaterThan(395);
    await connections.close();
  });

  it('an install retries a connect that timed out on a fresh connection: every attempt gets the whole timeout', async () => {
    const requests: RequestRecord[] = [];
    let op = 0;
    await runInstall(
      {
        base: new URL(`http://127.0.0.1:${listener.port}/`),
        flow: 'pip-simple-index',
        headers: clientHeaders('pip'),
        client: { timeoutSeconds: 0.3, retries: 2, backoffFactorSeconds: 0, retryStatuses: [], keepAlive: true, cookies: 'per-install' },
        sharedJars: [new HttpCookieJar()],
        counter: new ConnectionCounter(),
        runStartPerf: performance.now(),
        wallOffsetMs: Date.now() - performance.now(),
        nextOperationId: () => ++op,
        stopped: () => false,
        signal: new AbortController().signal,
        onRequest: (r) => requests.push(r),
        onOperation: () => undefined,
      },
      { id: 0, iteration: null, kind: 0, ofKind: 0, projects: [{ project: 'demo-000', version: '1.0.0', pick: 'latest', fileUrl: `http://127.0.0.1:${listener.port}/packages/demo_000-1.0.0-py3-none-any.whl`, fileName: 'demo_000-1.0.0-py3-none-any.whl' }] },
    );
    // Kept on the old client, the retry would wait behind the timed-out connect and fail with it early.
    expect(requests.map((r) => [r.attempt, r.error_class])).toEqual([[0, 'connect_timeout'], [1, 'connect_timeout'], [2, 'connect_timeout']]);
    for (const r of requests) expect(r.latency_ms).toBeGreaterThan(295);
  });
});
