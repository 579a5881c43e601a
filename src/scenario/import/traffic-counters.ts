/**
 * Counters of what the load balancer saw, kept while the log streams by, in
 * any order: requests per second (by the time the load balancer received
 * them), and per second the requests and target processing time of each
 * target, so the shares of any burst can be summed afterwards; status codes,
 * user agents, clients, and the waits of 504s and 460s. Memory grows with the
 * seconds covered and the distinct targets, clients and agents, never with lines.
 */
import type { AlbLogEntry } from './alb-log-entry.js';
import type { ClientFamily } from './user-agent.js';

interface SecondBin {
  requests: number;
  /** Requests per target id (sparse). */
  targetRequests: number[];
  /** Target processing seconds per target id (sparse). */
  targetSeconds: number[];
}

/** Histogram of waits in tenths of a second. */
export class WaitHistogram {
  private readonly tenths = new Map<number, number>();
  count = 0;
  maxSeconds = 0;

  add(seconds: number): void {
    const bucket = Math.round(Math.max(0, seconds) * 10);
    this.tenths.set(bucket, (this.tenths.get(bucket) ?? 0) + 1);
    this.count++;
    if (seconds > this.maxSeconds) this.maxSeconds = seconds;
  }

  /** The q-quantile in seconds (to 0.1 s), NaN when empty. */
  quantile(q: number): number {
    if (this.count === 0) return NaN;
    const keys = [...this.tenths.keys()].sort((a, b) => a - b);
    const rank = Math.min(this.count - 1, Math.floor(q * this.count));
    let seen = 0;
    for (const key of keys) {
      seen += this.tenths.get(key) ?? 0;
      if (seen > rank) return key / 10;
    }
    return keys[keys.length - 1] / 10;
  }
}

export interface ClientCounter {
  requests: number;
  agents: Set<string>;
}

export interface AgentCounter {
  family: ClientFamily;
  requests: number;
  clients: Set<string>;
}

export class TrafficCounters {
  private readonly bins = new Map<number, SecondBin>();
  readonly targetIds = new Map<string, number>();
  readonly elbStatus = new Map<number, number>();
  readonly targetStatus = new Map<string, number>();
  readonly clients = new Map<string, ClientCounter>();
  readonly agents = new Map<string, AgentCounter>();
  readonly waits504 = new WaitHistogram();
  /** 460 waits per client family: the client's timeout. */
  readonly waits460 = new Map<ClientFamily, WaitHistogram>();
  readonly types = new Map<string, number>();
  requests = 0;
  /** Requests no target received (503 without targets, a client that left first, ...). */
  undispatched = 0;
  firstMs = Infinity;
  lastMs = -Infinity;

  add(e: AlbLogEntry, product: string, family: ClientFamily): void {
    this.requests++;
    if (e.creationMs < this.firstMs) this.firstMs = e.creationMs;
    if (e.creationMs > this.lastMs) this.lastMs = e.creationMs;
    const second = Math.floor(e.creationMs / 1000);
    let bin = this.bins.get(second);
    if (!bin) {
      bin = { requests: 0, targetRequests: [], targetSeconds: [] };
      this.bins.set(second, bin);
    }
    bin.requests++;
    if (e.target !== null) {
      let id = this.targetIds.get(e.target);
      if (id === undefined) {
        id = this.targetIds.size;
        this.targetIds.set(e.target, id);
      }
      bin.targetRequests[id] = (bin.targetRequests[id] ?? 0) + 1;
      if (e.targetProcessingS >= 0) bin.targetSeconds[id] = (bin.targetSeconds[id] ?? 0) + e.targetProcessingS;
    } else {
      this.undispatched++;
    }
    bump(this.elbStatus, e.elbStatus);
    bump(this.targetStatus, e.targetStatus === null ? '-' : String(e.targetStatus));
    bump(this.types, e.type);
    let client = this.clients.get(e.client);
    if (!client) {
      client = { requests: 0, agents: new Set() };
      this.clients.set(e.client, client);
    }
    client.requests++;
    client.agents.add(product);
    let agent = this.agents.get(product);
    if (!agent) {
      agent = { family, requests: 0, clients: new Set() };
      this.agents.set(product, agent);
    }
    agent.requests++;
    agent.clients.add(e.client);
    const waited = (e.timeMs - e.creationMs) / 1000;
    if (e.elbStatus === 504) this.waits504.add(waited);
    if (e.elbStatus === 460) {
      let h = this.waits460.get(family);
      if (!h) {
        h = new WaitHistogram();
        this.waits460.set(family, h);
      }
      h.add(waited);
    }
  }

  /** Requests per second from `fromSecond` for `seconds` seconds (epoch seconds). */
  perSecond(fromSecond: number, seconds: number): Float64Array {
    const out = new Float64Array(Math.max(0, seconds));
    for (const [second, bin] of this.bins) {
      const k = second - fromSecond;
      if (k >= 0 && k < seconds) out[k] = bin.requests;
    }
    return out;
  }

  /** Requests and target processing seconds per target over the epoch seconds [from, to). */
  targetTotals(fromSecond: number, toSecond: number): Array<{ target: string; requests: number; seconds: number }> {
    const names = [...this.targetIds.keys()];
    const requests = new Array<number>(names.length).fill(0);
    const seconds = new Array<number>(names.length).fill(0);
    for (const [second, bin] of this.bins) {
      if (second < fromSecond || second >= toSecond) continue;
      bin.targetRequests.forEach((n, id) => (requests[id] += n));
      bin.targetSeconds.forEach((s, id) => (seconds[id] += s));
    }
    return names.map((target, id) => ({ target, requests: requests[id], seconds: seconds[id] }));
  }
}

function bump<K>(map: Map<K, number>, key: K): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}
