import { readdirSync, readFileSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT, EXIT_MEANINGS, type ExitName } from '../../src/cli/exit-codes.js';
import { repoRoot, runCli } from './run-cli.js';

/** oclif's conventions as a user meets them: help, suggestions, JSON errors, the exit-code table. */
describe('help', () => {
  it('`capsim help predict`, `predict -h` and `predict --help` print the same help', () => {
    const help = runCli(['help', 'predict']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Predict error rate, P95 and cost/);
    expect(help.stdout).toMatch(/USAGE\n\s+\$ capsim predict/);
    expect(runCli(['predict', '-h']).stdout).toBe(help.stdout);
    expect(runCli(['predict', '--help']).stdout).toBe(help.stdout);
  });

  it('the root help lists every command, and autocomplete is one of them', () => {
    const r = runCli(['-h']);
    expect(r.code).toBe(0);
    for (const command of ['predict', 'validate', 'plan', 'calibrate', 'compare', 'report', 'verify', 'autocomplete', 'help']) {
      expect(r.stdout).toMatch(new RegExp(`^\\s+${command}\\s`, 'm'));
    }
    expect(runCli(['-v']).stdout).toMatch(/^capsim\/\d+\.\d+\.\d+ /);
  });
});

describe('the command manifest', () => {
  it('is rewritten by the CLI when a build is newer than it, so help never shows old flags', () => {
    const manifest = join(repoRoot, 'oclif.manifest.json');
    const commands = join(repoRoot, 'dist', 'src', 'commands');
    const newest = Math.max(...readdirSync(commands).filter((f) => f.endsWith('.js')).map((f) => statSync(join(commands, f)).mtimeMs));
    const old = new Date(newest - 60_000);
    utimesSync(manifest, old, old);
    expect(runCli(['--help']).code).toBe(0);
    expect(statSync(manifest).mtimeMs).toBeGreaterThanOrEqual(newest);
    const ids = Object.keys((JSON.parse(readFileSync(manifest, 'utf8')) as { commands: Record<string, unknown> }).commands).sort();
    expect(ids).toEqual(expect.arrayContaining(['calibrate', 'compare', 'plan', 'predict', 'report', 'validate', 'verify']));
  });
});

describe('did you mean', () => {
  it('a mistyped command names the closest one in one line, exit 2', () => {
    const r = runCli(['predcit', '--tasks', '2']);
    expect(r.code).toBe(EXIT.badInput);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('capsim: "predcit" is not a capsim command; did you mean "predict"? (capsim help lists the commands)\n');
  });

  it('a mistyped flag names the closest flag of that command', () => {
    const r = runCli(['predict', '--worker', '2']);
    expect(r.code).toBe(EXIT.badInput);
    expect(r.stderr).toBe('capsim: Nonexistent flag: --worker; did you mean --workers? (--help lists the flags)\n');
  });

  it('an unknown --set name lists the closest parameter names, whole or without the group', () => {
    const typo = runCli(['predict', '--set', 'service.walkCpuPerFile=0.02', '--replications', '1']);
    expect(typo.code).toBe(EXIT.badInput);
    expect(typo.stderr).toMatch(/^capsim: --set: unknown parameter "service.walkCpuPerFile"; did you mean service.walkCpuPerFileMs, .*\? \(see models\/parameters.json\)\n$/);
    const short = runCli(['predict', '--set', 'nodes=2', '--replications', '1']);
    expect(short.stderr).toMatch(/did you mean alb.nodes/);
  });
});

describe('errors under --json', () => {
  it('are a JSON object on stdout as well as the line on stderr', () => {
    for (const args of [['predict', '--tasks', 'many', '--json'], ['predict', '--nope', '--json'], ['predcit', '--json'], ['compare', '/nonexistent/p.json', '/nonexistent/run', '--json']]) {
      const r = runCli(args);
      expect(r.code, args.join(' ')).toBe(EXIT.badInput);
      const line = r.stderr.trim();
      expect(line.split('\n')).toHaveLength(1);
      expect(JSON.parse(r.stdout)).toEqual({ error: { code: 'badInput', exitCode: 2, message: line.replace(/^capsim: /, '') } });
    }
  });

  it('are plain text without --json', () => {
    const r = runCli(['predict', '--tasks', 'many']);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('capsim: --tasks must be a whole number, got "many"\n');
  });
});

describe('exit codes', () => {
  it('the README table is the table of src/cli/exit-codes.ts, row for row', () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Exit codes'));
    const rows = [...section.matchAll(/^\| (\d+) \| (\w+) \| (.+) \|$/gm)].map((m) => [Number(m[1]), m[2], m[3]]);
    expect(rows).toEqual((Object.keys(EXIT) as ExitName[]).map((name) => [EXIT[name], name, EXIT_MEANINGS[name]]));
    expect(EXIT).toMatchObject({ ok: 0, internal: 1, badInput: 2, aborted: 3, thresholdFailed: 99, interrupted: 130 });
    expect(new Set(Object.values(EXIT)).size).toBe(Object.keys(EXIT).length);
  });

  it('verify and plan state their own codes in their help', () => {
    expect(runCli(['verify', '--help']).stdout).toMatch(new RegExp(`Exit\\s+code\\s+${EXIT.verifyCheckFailed}\\s+if\\s+any\\s+check\\s+fails`));
    expect(runCli(['verify', '--help']).stdout).toMatch(/means\s+with\s+99\s+%\s+intervals/);
    expect(runCli(['plan', '--help']).stdout).toMatch(new RegExp(`Exit\\s+${EXIT.noSizingMeetsSlo}\\s+when\\s+no\\s+candidate\\s+meets\\s+the\\s+SLO`));
  });
});
