import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FLAG_GROUPS } from '../../src/cli/flag-groups.js';
import { RENAMED_FLAGS } from '../../src/cli/renamed-flags.js';
import { repoRoot, runCli } from './run-cli.js';

/** One flag vocabulary: the same name, values and group for a concept on every command, old spellings as hidden aliases. */
interface ManifestFlag {
  name: string;
  type: 'boolean' | 'option';
  options?: string[];
  hidden?: boolean;
  aliases?: string[];
  helpGroup?: string;
}
const COMMANDS = ['predict', 'plan', 'validate', 'calibrate', 'compare', 'report', 'verify', 'scenario:import'];
const manifest = JSON.parse(readFileSync(join(repoRoot, 'oclif.manifest.json'), 'utf8')) as { commands: Record<string, { flags: Record<string, ManifestFlag> }> };
const flagsOf = (id: string) => manifest.commands[id].flags;
const everywhere = new Map<string, Array<[string, ManifestFlag]>>();
for (const id of COMMANDS) for (const [name, flag] of Object.entries(flagsOf(id))) everywhere.set(name, [...(everywhere.get(name) ?? []), [id, flag]]);

describe('one vocabulary across commands', () => {
  it('a flag on several commands has the same kind, the same values and the same help group on each', () => {
    for (const [name, uses] of everywhere) {
      const [first] = uses;
      for (const [id, flag] of uses) {
        expect(flag.type, `--${name} on ${id}`).toBe(first[1].type);
        if (flag.options && first[1].options) expect(flag.options, `--${name} on ${id}`).toEqual(first[1].options);
        expect(flag.helpGroup, `--${name} on ${id}`).toBe(FLAG_GROUPS[name]);
      }
    }
  });

  it('plan sweeps the sizing flags predict takes one value of, under the same names', () => {
    for (const name of ['instance', 'workers', 'worker-class', 'algorithm', 'stickiness', 'container-memory']) {
      expect(flagsOf('plan')[name], `plan --${name}`).toBeDefined();
      expect(flagsOf('predict')[name], `predict --${name}`).toBeDefined();
    }
    expect(flagsOf('plan')['instance-types']).toBeUndefined();
    expect(flagsOf('plan').algorithms).toBeUndefined();
  });

  it('--algorithm takes the same values on every command (plan says why least_conn is not the ALB\'s)', () => {
    const expected = /round_robin, least_outstanding_requests, least_conn/;
    const predict = runCli(['predict', '--algorithm', 'fastest']);
    const plan = runCli(['plan', '--algorithm', 'fastest', '--slo-error-rate', '1%', '--slo-p95-ms', '1']);
    const validate = runCli(['validate', '--url', 'http://127.0.0.1:9/', '--dry-run', '--algorithm', 'fastest']);
    for (const r of [predict, plan, validate]) {
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(expected);
    }
    expect(runCli(['plan', '--algorithm', 'least_conn', '--slo-error-rate', '1%', '--slo-p95-ms', '1']).stderr.trim()).toBe(
      "capsim: --algorithm least_conn is nginx's (the local stack); the ALB offers round_robin and least_outstanding_requests",
    );
    expect(runCli(['validate', '--url', 'http://127.0.0.1:9/', '--dry-run', '--worker-class', 'eventlet']).stderr).toMatch(/gevent, sync/);
  });

  it('--progress on every command that runs for more than a second; files are --out, directories --out-dir', () => {
    for (const id of ['predict', 'plan', 'calibrate', 'verify']) expect(flagsOf(id).progress, id).toBeDefined();
    expect(flagsOf('validate')['out-dir']).toBeDefined();
    expect(flagsOf('validate').out).toBeUndefined();
    expect(flagsOf('calibrate').out).toBeDefined();
    expect(flagsOf('report').out).toBeDefined();
  });

  it('--help lists flags under SIZING, LOAD, MODEL and OUTPUT', () => {
    const help = runCli(['predict', '--help']).stdout;
    for (const group of ['SIZING FLAGS', 'LOAD FLAGS', 'MODEL FLAGS', 'OUTPUT FLAGS']) expect(help).toMatch(new RegExp(`^${group}$`, 'm'));
    const section = (group: string) => help.slice(help.indexOf(`${group} FLAGS`) + `${group} FLAGS`.length).split(/^[A-Z ]+$/m)[0];
    expect(section('SIZING')).toContain('--tasks=');
    expect(section('LOAD')).toContain('--scenario=');
    expect(section('MODEL')).toContain('--calibration=');
    expect(section('OUTPUT')).toContain('--json');
  });
});

describe('old spellings', () => {
  it('are aliases of the new flag, not shown in --help', () => {
    for (const [id, renamed] of Object.entries(RENAMED_FLAGS)) {
      const help = runCli([id, '--help']).stdout;
      for (const [old, current] of Object.entries(renamed)) {
        expect(flagsOf(id)[current].aliases, `${id} --${current}`).toContain(old);
        expect(help, `${id} --help`).not.toMatch(new RegExp(`--${old}\\b(?!-)`));
      }
    }
  });

  it('still work, with one line on stderr naming the new flag', () => {
    const args = ['--slo-error-rate', '100%', '--slo-p95-ms', '1000000', '--max-instances', '1', '--workers', '1', '--duration', '10', '--replications', '1', '--autoscaling', 'off', '--json'];
    const old = runCli(['plan', '--instance-types', 't3.small', '--algorithms', 'round_robin', ...args]);
    const current = runCli(['plan', '--instance', 't3.small', '--algorithm', 'round_robin', ...args]);
    expect(old.code, old.stderr).toBe(0);
    expect(old.stdout).toBe(current.stdout);
    expect(current.stderr).toBe('');
    expect(old.stderr).toBe(
      'capsim: --instance-types is deprecated and will be removed in the next release; use --instance\n' +
        'capsim: --algorithms is deprecated and will be removed in the next release; use --algorithm\n',
    );
    // --out names a regular file: refused as --out-dir's value before anything is sent (the alias is the flag);
    // --diagnostics-seconds with diagnostics collected applies, so it passes as --diagnostics-s.
    const notADirectory = join(mkdtempSync(join(tmpdir(), 'capsim-vocabulary-')), 'a-file');
    writeFileSync(notADirectory, '');
    const validate = runCli(['validate', '--url', 'http://127.0.0.1:9/', '--out', notADirectory, '--diagnostics', 'local', '--diagnostics-seconds', '3']);
    expect(validate.code).toBe(2);
    expect(validate.stderr.trim().split('\n')).toEqual([
      'capsim: --out is deprecated and will be removed in the next release; use --out-dir',
      'capsim: --diagnostics-seconds is deprecated and will be removed in the next release; use --diagnostics-s',
      `capsim: --out-dir ${notADirectory} is a file, not a directory`,
    ]);
    rmSync(dirname(notADirectory), { recursive: true, force: true });
  });
});

describe("the README's flag table", () => {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Flags'), readme.indexOf('## Architecture'));
  const rows = new Map([...section.matchAll(/^\| `--([\w-]+)` \| ([\w, ]+) \|/gm)].map((m) => [m[1], m[2].split(', ')]));

  it('lists every visible flag once, with exactly the commands that have it', () => {
    for (const [name, uses] of everywhere) {
      const visible = uses.filter(([, flag]) => !flag.hidden).map(([id]) => id.replace(':', ' '));
      if (visible.length === 0) continue;
      expect(rows.get(name), `--${name}`).toEqual(visible);
    }
    expect([...rows.keys()].every((name) => everywhere.has(name))).toBe(true);
  });

  it('lists every old spelling', () => {
    for (const [id, renamed] of Object.entries(RENAMED_FLAGS)) {
      for (const [old, current] of Object.entries(renamed)) expect(section).toContain(`| ${id} | \`--${old}\` | \`--${current}\` |`);
    }
  });
});
