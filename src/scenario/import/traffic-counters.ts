/**
 * Counters of what the load balancer saw, kept while the log streams by, in
 * any order: requests per second (by the time the load balancer received
 * them), and per second the requests and target processing time of each
 * target, so the shares of any burst can be summed afterwards; status codes,
 * user agents, clients, and the waits of 504s and 460s. Memory grows with the
 * seconds covered (8 bytes a second per series: 0.7 MB a day) and the distinct
 * targets, clients and agents, never with lines.
 */
import type { AlbLogEntry } from './alb-log-entry.js';
import { detached } from './detached.js';
import type { ClientFamily } from './user-agent.js';

/** A number per epoch second, in one growable array (it grows to cover whatever seconds are added). */
export class SecondSeries {
  private data = new Float64Array(0);
  private base = 0;

  add(second: number, value: number): void {
    if (this.data.length === 0) {
      this.base = second;
      this.data = new Float64Array(4096);
    }
    let k = second - this.base;
    if (k < 0 || k >= this.data.length) {
      const from = Math.min(this.base, second);
      const to = Math.max(this.base + this.data.length, second + 1);
      const grown = new Float64Array(Math.max(2 * this.data.length, to - from + 4096));
      grown.set(this.data, this.base - from);
      this.data = grown;
      this.base = from;
      k = second - this.base;
    }
    this.data[k] += value;
  }

  /** Sum over the epoch seconds [from, to). */
  sum(from: number, to: number): number {
    let total = 0;
    const a = Math.max(0, from - this.base);
    const b = Math.min(this.data.length, to - this.base);
    for (let k = a; k < b; k++) total += this.data[k];
    return total;
  }

  /** Values of `seconds` seconds from `from`. */
  slice(from: number, seconds: number): Float64Array {
    const out = new Float64Array(Math.max(0, seconds));
    for (let k = 0; k < seconds; k++) {
      const i = from + k - this.base;
      if (i >= 0 && i < this.data.length) out[k] = this.data[i];
    }
    return out;
  }
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

/** One client address with one user agent, and the counters its requests go to. */
export interface ClientSource {
  client: string;
  product: string;
  family: ClientFamily;
  /** Filled in at its first counted request. */
  clientCounter: ClientCounter | null;
  agentCounter: AgentCounter | null;
}

export class TrafficCounters {
  private readonly perSecondRequests = new SecondSeries();
  /** Requests per second of the whole input, the window's and the rest (what bursts stand out from). */
  readonly inputPerSecond = new SecondSeries();
  /** Per target id: requests, and target processing seconds, per second. */
  private readonly targetRequests: SecondSeries[] = [];
  private readonly targetSeconds: SecondSeries[] = [];
  readonly targetIds = new Map<string, number>();
  /** Requests per load balancer status (index = status). */
  private readonly elbStatusCounts = new Float64Array(1000);
  /** Requests per target status (index = status; 0 for "-": the target sent no response). */
  private readonly targetStatusCounts = new Float64Array(1000);
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

  /** A client address sending with a user agent (strings detached); counted once a request of it is. */
  source(client: string, product: string, family: ClientFamily): ClientSource {
    return { client, product, family, clientCounter: null, agentCounter: null };
  }

  private register(from: ClientSource): void {
    let clientCounter = this.clients.get(from.client);
    if (!clientCounter) {
      clientCounter = { requests: 0, agents: new Set() };
      this.clients.set(from.client, clientCounter);
    }
    let agentCounter = this.agents.get(from.product);
    if (!agentCounter) {
      agentCounter = { family: from.family, requests: 0, clients: new Set() };
      this.agents.set(from.product, agentCounter);
    }
    clientCounter.agents.add(from.product);
    agentCounter.clients.add(from.client);
    from.clientCounter = clientCounter;
    from.agentCounter = agentCounter;
  }

  add(e: AlbLogEntry, from: ClientSource): void {
    this.requests++;
    if (e.creationMs < this.firstMs) this.firstMs = e.creationMs;
    if (e.creationMs > this.lastMs) this.lastMs = e.creationMs;
    const second = Math.floor(e.creationMs / 1000);
    this.perSecondRequests.add(second, 1);
    if (e.target !== null) {
      let id = this.targetIds.get(e.target);
      if (id === undefined) {
        id = this.targetIds.size;
        this.targetIds.set(detached(e.target), id);
        this.targetRequests.push(new SecondSeries());
        this.targetSeconds.push(new SecondSeries());
      }
      this.targetRequests[id].add(second, 1);
      if (e.targetProcessingS >= 0) this.targetSeconds[id].add(second, e.targetProcessingS);
    } else {
      this.undispatched++;
    }
    this.elbStatusCounts[e.elbStatus]++;
    this.targetStatusCounts[e.targetStatus ?? 0]++;
    this.types.set(e.type, (this.types.get(e.type) ?? 0) + 1);
    if (!from.clientCounter) this.register(from);
    from.clientCounter!.requests++;
    from.agentCounter!.requests++;
    const waited = (e.timeMs - e.creationMs) / 1000;
    if (e.elbStatus === 504) this.waits504.add(waited);
    if (e.elbStatus === 460) {
      let h = this.waits460.get(from.family);
      if (!h) {
        h = new WaitHistogram();
        this.waits460.set(from.family, h);
      }
      h.add(waited);
    }
  }

  /** Requests per load balancer status code, and per target status code ("-": none), in code order. */
  statusCodes(): { elb: Record<string, number>; target: Record<string, number> } {
    const table = (counts: Float64Array) => {
      const out: Record<string, number> = {};
      counts.forEach((n, code) => {
        if (n > 0) out[code === 0 ? '-' : String(code)] = n;
      });
      return out;
    };
    return { elb: table(this.elbStatusCounts), target: table(this.targetStatusCounts) };
  }

  /** Requests per second from `fromSecond` for `seconds` seconds (epoch seconds). */
  perSecond(fromSecond: number, seconds: number): Float64Array {
    return this.perSecondRequests.slice(fromSecond, seconds);
  }

  /** Requests and target processing seconds per target over the epoch seconds [from, to). */
  targetTotals(fromSecond: number, toSecond: number): Array<{ target: string; requests: number; seconds: number }> {
    return [...this.targetIds.entries()].map(([target, id]) => ({
      target,
      requests: this.targetRequests[id].sum(fromSecond, toSecond),
      seconds: this.targetSeconds[id].sum(fromSecond, toSecond),
    }));
  }
}
