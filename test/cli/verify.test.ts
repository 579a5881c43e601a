import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

describe('capsim verify', () => {
  for (const seed of [1, 7, 2026]) {
    it(`passes every queueing-theory check with seed ${seed}`, () => {
      const r = runCli(['verify', '--json', '--seed', String(seed)]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const out = JSON.parse(r.stdout);
      expect(out.passed).toBe(true);
      expect(out.checks.length).toBeGreaterThanOrEqual(7);
      for (const c of out.checks) {
        expect(Object.keys(c).sort()).toEqual(['analytic', 'ciHigh', 'ciLow', 'metric', 'name', 'pass', 'simulated']);
        expect(c.pass).toBe(true);
        expect(c.ciLow).toBeLessThanOrEqual(c.analytic);
        expect(c.ciHigh).toBeGreaterThanOrEqual(c.analytic);
      }
      const names = out.checks.map((c: { name: string }) => c.name).join(' ');
      for (const model of ['M/M/1', 'M/M/4', 'M/M/8/8', 'M/D/1-PS', 'M/H2/1-PS', "Little's law"]) expect(names).toContain(model);
    });
  }

  it('prints byte-identical output for the same seed and different samples for another', () => {
    const a = runCli(['verify', '--json', '--seed', '5', '--replications', '4']);
    const b = runCli(['verify', '--json', '--seed', '5', '--replications', '4']);
    const c = runCli(['verify', '--json', '--seed', '6', '--replications', '4']);
    expect(a.stdout).toBe(b.stdout);
    expect(JSON.parse(a.stdout).checks[0].simulated).not.toBe(JSON.parse(c.stdout).checks[0].simulated);
  });

  it('prints a human table by default', () => {
    const r = runCli(['verify', '--replications', '3']);
    expect(r.stdout).toMatch(/name\s+metric\s+analytic\s+simulated\s+CI low\s+CI high\s+pass/);
    expect(r.stdout).toMatch(/checks pass/);
  });

  for (const [args, pattern] of [
    [['--replications', '0'], /--replications must be/],
    [['--seed', 'abc'], /--seed must be a whole number/],
    [['--replications', 'many'], /--replications must be a whole number/],
    [['--nonsense'], /Nonexistent flag/],
  ] as Array<[string[], RegExp]>) {
    it(`rejects ${args.join(' ')} with one line and exit 2`, () => {
      const r = runCli(['verify', ...args]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(pattern);
      expect(r.stderr).not.toMatch(/\s+at\s+\S+:\d+/);
    });
  }
});
