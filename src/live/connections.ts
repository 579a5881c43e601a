/**
 * The connections of one simulated pip process: one undici Client (a single
 * keep-alive connection, no pipelining) per origin, like the pool pip's
 * requests session keeps per host. Each new TCP connection gets a run-wide id
 * ("c17") so the records show which requests shared a connection.
 */
import { buildConnector, Client } from 'undici';

export class ConnectionCounter {
  private next = 1;
  allocate(): string {
    return `c${this.next++}`;
  }
  get opened(): number {
    return this.next - 1;
  }
}

const connectors = new Map<number, buildConnector.connector>();
/** How much later than the client's timeout undici's own timeouts fire. */
const BACKSTOP_MS = 1000;

/** One connector per timeout, shared by every Client (building one per Client costs a burst ~25 % of its dispatch time). */
function connectorFor(timeoutMs: number): buildConnector.connector {
  let connector = connectors.get(timeoutMs);
  if (!connector) connectors.set(timeoutMs, (connector = buildConnector({ timeout: timeoutMs })));
  return connector;
}

interface OriginConnection {
  client: Client;
  current: string | null;
}

export class InstallConnections {
  private readonly byOrigin = new Map<string, OriginConnection>();

  constructor(
    private readonly counter: ConnectionCounter,
    private readonly timeoutMs: number,
  ) {}

  /**
   * The client for an origin, created on first use. `slot` > 0 gives another connection to the same origin,
   * for a client that sends requests in parallel through one session (poetry): slot k is reused by the
   * session's k-th parallel request of every phase.
   */
  clientFor(origin: string, slot = 0): { client: Client; connectionId: () => string | null } {
    const key = slot === 0 ? origin : `${origin}#${slot}`;
    let entry = this.byOrigin.get(key);
    if (!entry) {
      // sendAttempt enforces pip's timeout to the millisecond; undici's own timeouts are a backstop only: they
      // run on a coarse clock that can fire up to half a second early (a 1.2 s headersTimeout fired at 1.1 s).
      const client = new Client(origin, {
        connect: connectorFor(this.timeoutMs + BACKSTOP_MS),
        headersTimeout: this.timeoutMs + BACKSTOP_MS,
        bodyTimeout: this.timeoutMs + BACKSTOP_MS,
        pipelining: 1,
        // pip keeps its connection for the whole install; undici's default 4 s
        // idle close would only matter across long backoffs.
        keepAliveTimeout: 60_000,
        keepAliveMaxTimeout: 600_000,
      });
      const created: OriginConnection = { client, current: null };
      client.on('connect', () => {
        created.current = this.counter.allocate();
      });
      client.on('disconnect', () => {
        created.current = null;
      });
      this.byOrigin.set(key, (entry = created));
    }
    const found = entry;
    return { client: found.client, connectionId: () => found.current };
  }

  /**
   * Drops the origin's client and its connection attempt: the next request connects afresh (what
   * requests does with a connection it timed out on). An attempt that timed out while connecting is
   * still queued on its client, where it would hold up, or fail, the retry.
   */
  discard(origin: string, slot = 0): void {
    const key = slot === 0 ? origin : `${origin}#${slot}`;
    const entry = this.byOrigin.get(key);
    if (!entry) return;
    this.byOrigin.delete(key);
    entry.client.destroy().catch(() => undefined);
  }

  /** Closes every connection (what the end of a pip process does). */
  async close(): Promise<void> {
    const clients = [...this.byOrigin.values()].map((entry) => entry.client);
    this.byOrigin.clear();
    await Promise.all(clients.map((client) => client.destroy().catch(() => undefined)));
  }
}
