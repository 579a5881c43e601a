/**
 * Parses /proc/self/mountstats: per NFS mount, the client's per-operation
 * counters (operations, transmissions, major timeouts, bytes sent and
 * received, cumulative queue / round-trip / execute milliseconds, errors),
 * and the change between two snapshots taken around a burst. Mounts of other
 * file systems print only their `device` line and are skipped.
 */

export interface NfsOpCounters {
  ops: number;
  transmissions: number;
  timeouts: number;
  bytesSent: number;
  bytesReceived: number;
  queueMs: number;
  rttMs: number;
  executeMs: number;
  errors: number;
}

export interface NfsMount {
  device: string;
  mountPoint: string;
  fstype: string;
  ops: Record<string, NfsOpCounters>;
}

/** The operations the summary reports (metadata and data reads a directory walk and a download cause). */
export const NFS_REPORTED_OPS = ['LOOKUP', 'GETATTR', 'READDIR', 'ACCESS', 'READ'] as const;

export interface NfsOpDelta {
  ops: number;
  /** Mean round trip of the burst's operations, ms (null without operations). */
  meanRttMs: number | null;
  errors: number;
}

export interface NfsMountDelta {
  device: string;
  mountPoint: string;
  fstype: string;
  /** Seconds between the snapshots (the mount's `age:` lines), when both give it. */
  seconds: number | null;
  ops: Record<(typeof NFS_REPORTED_OPS)[number], NfsOpDelta>;
  /** Every operation of the mount in the window, reported or not. */
  totalOps: number;
}

const DEVICE = /^device (\S+) mounted on (\S+) with fstype (\S+)/;
const PER_OP = /^\s*([A-Z][A-Z0-9_]*):\s+(\d+(?:\s+\d+)*)\s*$/;

export function parseMountstats(text: string): NfsMount[] {
  const mounts: NfsMount[] = [];
  let current: (NfsMount & { age?: number }) | null = null;
  let inPerOp = false;
  for (const line of text.split('\n')) {
    const device = DEVICE.exec(line);
    if (device) {
      inPerOp = false;
      current = device[3].startsWith('nfs') ? { device: device[1], mountPoint: device[2], fstype: device[3], ops: {} } : null;
      if (current) mounts.push(current);
      continue;
    }
    if (!current) continue;
    const age = /^\s*age:\s+(\d+)/.exec(line);
    if (age) current.age = Number(age[1]);
    if (/^\s*per-op statistics\s*$/.test(line)) {
      inPerOp = true;
      continue;
    }
    if (!inPerOp) continue;
    const op = PER_OP.exec(line);
    if (!op) continue;
    const n = op[2].trim().split(/\s+/).map(Number);
    if (n.length < 8) throw new Error(`mountstats: ${op[1]} of ${current.mountPoint} has ${n.length} counters, expected 8 or 9`);
    current.ops[op[1]] = {
      ops: n[0], transmissions: n[1], timeouts: n[2], bytesSent: n[3], bytesReceived: n[4], queueMs: n[5], rttMs: n[6], executeMs: n[7], errors: n[8] ?? 0,
    };
  }
  return mounts;
}

/** The change of every NFS mount found in both snapshots (a remount, with counters that go down, is skipped). */
export function mountstatsDelta(before: string, after: string): NfsMountDelta[] {
  const earlier = new Map(parseMountstats(before).map((m) => [`${m.device} ${m.mountPoint}`, m as NfsMount & { age?: number }]));
  const out: NfsMountDelta[] = [];
  for (const mount of parseMountstats(after) as Array<NfsMount & { age?: number }>) {
    const start = earlier.get(`${mount.device} ${mount.mountPoint}`);
    if (!start) continue;
    const diff = (name: string): NfsOpDelta => {
      const a = start.ops[name];
      const b = mount.ops[name];
      if (!a || !b) return { ops: 0, meanRttMs: null, errors: 0 };
      const ops = b.ops - a.ops;
      return { ops, meanRttMs: ops > 0 ? (b.rttMs - a.rttMs) / ops : null, errors: b.errors - a.errors };
    };
    const totalOps = Object.keys(mount.ops).reduce((sum, name) => sum + (mount.ops[name].ops - (start.ops[name]?.ops ?? 0)), 0);
    if (totalOps < 0) continue;
    out.push({
      device: mount.device,
      mountPoint: mount.mountPoint,
      fstype: mount.fstype,
      seconds: start.age !== undefined && mount.age !== undefined ? mount.age - start.age : null,
      ops: Object.fromEntries(NFS_REPORTED_OPS.map((name) => [name, diff(name)])) as NfsMountDelta['ops'],
      totalOps,
    });
  }
  return out;
}
