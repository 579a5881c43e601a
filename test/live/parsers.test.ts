import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseVmstat } from '../../src/live/parsers/vmstat.js';
import { parseFree } from '../../src/live/parsers/free.js';
import { parseMpstat } from '../../src/live/parsers/mpstat.js';
import { parseByteSize, parseDockerStats } from '../../src/live/parsers/docker-stats.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

describe('parseVmstat (real output of this machine)', () => {
  it('separates the since-boot row from the interval samples', () => {
    const parsed = parseVmstat(fixture('vmstat-1-3.txt'));
    expect(parsed.columns).toEqual(['r', 'b', 'swpd', 'free', 'buff', 'cache', 'si', 'so', 'bi', 'bo', 'in', 'cs', 'us', 'sy', 'id', 'wa', 'st']);
    expect(parsed.sinceBoot?.us).toBe(10);
    expect(parsed.samples).toHaveLength(2);
    // interval rows: us 33, 60; sy 28, 17; id 40, 17; wa 0, 4; st 0, 2
    expect(parsed.cpuUserPercent).toBe(46.5);
    expect(parsed.cpuSystemPercent).toBe(22.5);
    expect(parsed.cpuIdlePercent).toBe(28.5);
    expect(parsed.cpuIowaitPercent).toBe(2);
    expect(parsed.cpuStealPercent).toBe(1);
    expect(parsed.swapInKiBPerSecond).toBe(0);
    expect(parsed.max.bo).toBe(102884);
    expect(parsed.max.cs).toBe(54938);
    expect(parsed.runQueue).toBe(2.5);
  });

  it('reads the -S M variant', () => {
    const parsed = parseVmstat(fixture('vmstat-SM-1-3.txt'));
    expect(parsed.samples.map((s) => s.free)).toEqual([22493, 22493]);
    expect(parsed.mean.us).toBe(33.5);
  });

  it('rejects output that is not vmstat', () => {
    expect(() => parseVmstat(fixture('free-m.txt'))).toThrow(/vmstat: no "r b swpd/);
    expect(() => parseVmstat('')).toThrow(/vmstat/);
  });
});

describe('parseFree (real output of this machine)', () => {
  it('reads the Mem and Swap rows in MiB', () => {
    expect(parseFree(fixture('free-m.txt'))).toEqual({
      memTotalMb: 24105,
      memUsedMb: 402,
      memFreeMb: 22878,
      memSharedMb: 8,
      memBuffCacheMb: 1098,
      memAvailableMb: 23702,
      swapTotalMb: 0,
      swapUsedMb: 0,
      swapFreeMb: 0,
    });
  });

  it('reads swap in use (the incident host figures of docs/published-figures.md, in free -m layout)', () => {
    const text = [
      '               total        used        free      shared  buff/cache   available',
      'Mem:             916         731          59           1         125          55',
      'Swap:           2047         748        1299',
    ].join('\n');
    const parsed = parseFree(text);
    expect(parsed.memAvailableMb).toBe(55);
    expect(parsed.swapUsedMb).toBe(748);
  });

  it('rejects output that is not free', () => {
    expect(() => parseFree(fixture('vmstat-1-3.txt'))).toThrow(/free: no "total used free/);
  });
});

describe('parseMpstat (real sysstat output of this machine)', () => {
  it('takes the Average row for CPU all', () => {
    const parsed = parseMpstat(fixture('mpstat-1-2.txt'));
    expect(parsed.cpuCount).toBe(2);
    expect(parsed.fromAverage).toBe(true);
    expect(parsed.cpuUserPercent).toBe(1.25);
    // vmstat's split: system = %sys + %irq + %soft.
    expect(parsed.cpuSystemPercent).toBe(4.26);
    expect(parsed.cpuIowaitPercent).toBe(1.25);
    expect(parsed.cpuIdlePercent).toBe(93.23);
    expect(parsed.all.soft).toBe(0.5);
  });

  it('counts niced processes as user time, like vmstat (a host busy with niced work is not idle)', () => {
    const parsed = parseMpstat(fixture('mpstat-niced-1-2.txt'));
    expect(parsed.all.nice).toBe(49.38);
    expect(parsed.cpuUserPercent).toBe(93.27);
    expect(parsed.cpuSystemPercent).toBe(6.73);
    expect(parsed.cpuUserPercent + parsed.cpuSystemPercent + parsed.cpuIowaitPercent + parsed.cpuIdlePercent).toBeCloseTo(100, 1);
  });

  it('reads per-CPU Average rows of mpstat -P ALL', () => {
    const parsed = parseMpstat(fixture('mpstat-P-ALL-1-1.txt'));
    expect(Object.keys(parsed.perCpu)).toEqual(['0', '1']);
    expect(parsed.perCpu['1'].idle).toBe(100);
    expect(parsed.cpuIdlePercent).toBe(100);
  });

  it('falls back to the last "all" row without an Average, and accepts AM/PM stamps', () => {
    const text = fixture('mpstat-1-2.txt')
      .split('\n')
      .filter((line) => !line.startsWith('Average'))
      .map((line) => line.replace(/^(\d\d:\d\d:\d\d)/, '$1 PM'))
      .join('\n');
    const parsed = parseMpstat(text);
    expect(parsed.fromAverage).toBe(false);
    expect(parsed.cpuUserPercent).toBe(2.02);
    expect(parsed.cpuIowaitPercent).toBe(2.53);
  });

  it('rejects output that is not mpstat', () => {
    expect(() => parseMpstat(fixture('free-m.txt'))).toThrow(/mpstat: no "CPU %usr/);
  });
});

describe('parseDockerStats (examples from Docker documentation)', () => {
  it('reads the default table', () => {
    const containers = parseDockerStats(fixture('docker-stats-table.txt'));
    expect(containers).toHaveLength(4);
    expect(containers[0]).toEqual({
      id: 'b95a83497c91',
      name: 'awesome_brattain',
      cpuPercent: 0.28,
      memUsedBytes: 5.629 * 1024 ** 2,
      memLimitBytes: 1.952 * 1024 ** 3,
      memPercent: 0.28,
      pids: 9,
    });
    expect(containers[2].memUsedBytes).toBe(196 * 1024);
  });

  it('reads JSON lines', () => {
    expect(parseDockerStats(fixture('docker-stats-json.txt'))).toEqual([
      {
        id: 'ed37317fbf42',
        name: 'nginx',
        cpuPercent: 0.03,
        memUsedBytes: 2.352 * 1024 ** 2,
        memLimitBytes: 982.5 * 1024 ** 2,
        memPercent: 0.24,
        pids: 2,
      },
    ]);
  });

  it('accepts no containers and rejects garbage', () => {
    expect(parseDockerStats('\n')).toEqual([]);
    expect(() => parseDockerStats('{not json')).toThrow(/not a JSON line/);
    expect(() => parseByteSize('12 parsecs')).toThrow(/unknown size unit/);
  });
});
