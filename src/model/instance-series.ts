/**
 * An instance's CPU, iowait and available memory second by second, as its
 * 1-s samples see them (the figures whose peaks `predict` reports), kept
 * for the first replication when a report or the timeline asks for it.
 */

export interface InstanceSeriesData {
  name: string;
  /** Seconds from the run start (end of each sample's second). */
  t: number[];
  /** Busy cores / vCPUs over the second. */
  cpu: number[];
  /** Blocked-on-I/O time while cores idle, fraction of vCPUs. */
  iowait: number[];
  /** Memory available at the sample, MB. */
  memAvailableMb: number[];
}

/** Samples beyond this are averaged into equal bins (an 8-hour run keeps one point a minute). */
export const MAX_SERIES_POINTS = 3600;

export class InstanceSeries {
  private readonly t: number[] = [];
  private readonly cpu: number[] = [];
  private readonly iowait: number[] = [];
  private readonly memAvailableMb: number[] = [];

  constructor(readonly name: string) {}

  sample(timeMs: number, cpu: number, iowait: number, memAvailableMb: number): void {
    this.t.push(timeMs / 1000);
    this.cpu.push(cpu);
    this.iowait.push(iowait);
    this.memAvailableMb.push(memAvailableMb);
  }

  /** The samples, averaged into at most `maxPoints` bins (time: each bin's last sample). */
  data(maxPoints = MAX_SERIES_POINTS): InstanceSeriesData {
    const n = this.t.length;
    const per = Math.max(1, Math.ceil(n / maxPoints));
    const bin = (values: number[], pick: 'mean' | 'last') => {
      const out: number[] = [];
      for (let start = 0; start < n; start += per) {
        const slice = values.slice(start, Math.min(n, start + per));
        out.push(pick === 'last' ? slice[slice.length - 1] : slice.reduce((a, b) => a + b, 0) / slice.length);
      }
      return out;
    };
    return { name: this.name, t: bin(this.t, 'last'), cpu: bin(this.cpu, 'mean'), iowait: bin(this.iowait, 'mean'), memAvailableMb: bin(this.memAvailableMb, 'mean') };
  }
}
