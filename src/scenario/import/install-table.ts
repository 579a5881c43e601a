/**
 * The installs and single requests an import found, in compact columns
 * (a few bytes each), so a log of millions of requests keeps only what the
 * scenario is made of.
 */
import type { InstallPattern, ReconstructedInstall, SingleRequest, TrafficCategory } from './installs.js';
import { TRAFFIC_CATEGORIES } from './installs.js';
import type { RequestKind } from './request-path.js';

const PATTERNS: readonly InstallPattern[] = ['root', 'root-simple', 'simple'];
export const SINGLE_KINDS: readonly RequestKind[] = ['project-root', 'project-simple', 'file', 'listing', 'welcome', 'other'];

class Column<T extends Float64Array | Uint32Array | Uint8Array> {
  data: T;
  constructor(private readonly make: (n: number) => T) {
    this.data = make(1024);
  }
  set(index: number, value: number): void {
    if (index >= this.data.length) {
      const grown = this.make(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[index] = value;
  }
}

export class InstallTable {
  length = 0;
  private readonly start = new Column((n) => new Float64Array(n));
  private readonly category = new Column((n) => new Uint8Array(n));
  private readonly pattern = new Column((n) => new Uint8Array(n));
  private readonly project = new Column((n) => new Uint32Array(n));
  private readonly client = new Column((n) => new Uint32Array(n));
  private readonly completed = new Column((n) => new Uint8Array(n));
  retries = 0;
  requests = 0;

  add(install: ReconstructedInstall): void {
    const k = this.length++;
    this.start.set(k, install.startMs);
    this.category.set(k, TRAFFIC_CATEGORIES.indexOf(install.category));
    this.pattern.set(k, PATTERNS.indexOf(install.pattern));
    this.project.set(k, install.project);
    this.client.set(k, install.clientKey);
    this.completed.set(k, install.completed ? 1 : 0);
    this.retries += install.retries;
    this.requests += install.requests;
  }

  startMs(k: number): number {
    return this.start.data[k];
  }
  categoryOf(k: number): TrafficCategory {
    return TRAFFIC_CATEGORIES[this.category.data[k]];
  }
  patternOf(k: number): InstallPattern {
    return PATTERNS[this.pattern.data[k]];
  }
  projectOf(k: number): number {
    return this.project.data[k];
  }
  clientOf(k: number): number {
    return this.client.data[k];
  }
  isCompleted(k: number): boolean {
    return this.completed.data[k] === 1;
  }

  /** Start times, sorted. */
  sortedStarts(): Float64Array {
    return this.start.data.slice(0, this.length).sort();
  }

  /** Indices ordered by start time (ties by index, so the order is the same on every run). */
  order(): Uint32Array {
    const index = new Uint32Array(this.length);
    for (let k = 0; k < this.length; k++) index[k] = k;
    const start = this.start.data;
    return index.sort((a, b) => start[a] - start[b] || a - b);
  }
}

export class SingleTable {
  length = 0;
  private readonly start = new Column((n) => new Float64Array(n));
  private readonly kind = new Column((n) => new Uint8Array(n));
  private readonly client = new Column((n) => new Uint32Array(n));

  add(single: SingleRequest): void {
    const k = this.length++;
    this.start.set(k, single.startMs);
    this.kind.set(k, SINGLE_KINDS.indexOf(single.kind));
    this.client.set(k, single.clientKey);
  }

  startMs(k: number): number {
    return this.start.data[k];
  }
  kindOf(k: number): RequestKind {
    return SINGLE_KINDS[this.kind.data[k]];
  }
  clientOf(k: number): number {
    return this.client.data[k];
  }
}
