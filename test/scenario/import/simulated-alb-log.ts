/**
 * The access log an ALB would write for one simulated run: every request the
 * model's load balancer received, on the node that received it, written when
 * it answered (the target's status and processing time, or its own 502 / 503 /
 * 504 without a target status), or a 460 when the client gave up first. Each
 * install gets a project picked uniformly (the seed tool's pick) and its own
 * client port; all requests come from one client host with one user agent.
 * Paths are the flow's: /<project>/ (answered 303), the redirect hop and any
 * further /simple/<project>/, then the wheel.
 */
import seedrandom from 'seedrandom';
import type { Exchange } from '../../../src/model/exchange.js';
import type { RequestObserver } from '../../../src/model/request-observer.js';
import type { LoggedCall } from './alb-log-writer.js';

export interface SimulatedLogOptions {
  /** Epoch ms of simulated time 0. */
  t0Ms: number;
  client: string;
  userAgent: string;
  projects: number;
  wheelBytes: number;
  /** The model's ALB latency (alb.processingMs): half before the target, half after. */
  albProcessingMs: number;
  seed: string;
}

interface Pending {
  receivedAt: number;
  project: string;
  port: number;
  node: number;
}

export class SimulatedAccessLog implements RequestObserver {
  /** Logged requests per load balancer node, in the order they were answered. */
  readonly byNode: LoggedCall[][] = [];
  /** Receive time (simulated ms) of each install's first request, in order. */
  readonly installStarts: number[] = [];
  private readonly installs = new WeakMap<object, { project: string }>();
  private readonly pending = new Map<number, Pending>();
  private readonly rng: () => number;

  constructor(private readonly o: SimulatedLogOptions) {
    this.rng = seedrandom(o.seed);
  }

  received(ex: Exchange, atMs: number): void {
    const owner = ex.owner as object;
    let install = this.installs.get(owner);
    if (!install) {
      install = { project: `pkg-${String(Math.floor(this.rng() * this.o.projects)).padStart(3, '0')}` };
      this.installs.set(owner, install);
      this.installStarts.push(atMs);
    }
    this.pending.set(ex.id, { receivedAt: atMs, project: install.project, port: 1024 + ((ex.connection?.id ?? 0) % 64000), node: ex.connection?.node ?? 0 });
  }

  answered(ex: Exchange, atMs: number, status: number): void {
    const p = this.pending.get(ex.id);
    if (!p) return;
    this.pending.delete(ex.id);
    const fromTarget = status !== 502 && status !== 503 && status !== 504;
    const half = this.o.albProcessingMs / 2;
    this.write(p, ex, {
      answeredMs: atMs + half,
      target: ex.target >= 0 && status !== 503 ? targetName(ex.target) : null,
      targetProcessingS: fromTarget ? Math.max(0, atMs - p.receivedAt - half) / 1000 : -1,
      elbStatus: status,
      targetStatus: fromTarget ? status : null,
    });
  }

  abandoned(ex: Exchange, atMs: number): void {
    const p = this.pending.get(ex.id);
    if (!p) return; // never reached the load balancer, or already answered
    this.pending.delete(ex.id);
    this.write(p, ex, { answeredMs: atMs, target: ex.target >= 0 ? targetName(ex.target) : null, targetProcessingS: -1, elbStatus: 460, targetStatus: null });
  }

  private write(p: Pending, ex: Exchange, answer: Pick<LoggedCall, 'answeredMs' | 'target' | 'targetProcessingS' | 'elbStatus' | 'targetStatus'>): void {
    const path = ex.kind === 'redirect' ? `/${p.project}/` : ex.kind === 'simple' ? `/simple/${p.project}/` : `/packages/${p.project.replace(/-/g, '_')}-2.0.0-py3-none-any.whl`;
    const ok = answer.elbStatus < 400;
    const sentBytes = !ok ? 162 : ex.kind === 'wheel' ? this.o.wheelBytes + 263 : ex.kind === 'simple' ? 1180 : 310;
    while (this.byNode.length <= p.node) this.byNode.push([]);
    this.byNode[p.node].push({
      ...answer,
      answeredMs: this.o.t0Ms + answer.answeredMs,
      receivedMs: this.o.t0Ms + p.receivedAt,
      client: this.o.client,
      clientPort: p.port,
      sentBytes,
      path,
      userAgent: this.o.userAgent,
    });
  }
}

/** Targets as ECS places them: task k on instance k mod 2, each its own address. */
function targetName(id: number): string {
  return `10.0.${1 + (id % 2)}.${100 + id}:8080`;
}
