import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, runCli } from './run-cli.js';

/** The user's own files first: scenario and calibration names, calibrate's printed command, capsim.json. */
const quick = ['--replications', '1', '--burst-size', '20', '--duration', '10', '--json'];
const local = ['--instance', 'custom', '--vcpus', '1', '--memory-gb', '4', '--tasks', '1', '--workers', '1'];

function scenarioNamed(description: string): Record<string, unknown> {
  const shipped = JSON.parse(readFileSync(join(repoRoot, 'scenarios', 'local-burst.json'), 'utf8')) as Record<string, unknown>;
  return { ...shipped, description };
}

function calibrationNamed(name: string, stackKind: 'aws' | 'local', rttMs: number): Record<string, unknown> {
  return { name, stackKind, description: `test ${name}`, parameters: { 'client.rttMs': rttMs }, fitted: [], runs: [], loss: null, fit: [], notes: [] };
}

describe('--scenario NAME and --calibration NAME: ./scenarios, ./calibration, then CAPSIM_HOME, then shipped', () => {
  const work = mkdtempSync(join(tmpdir(), 'capsim-user-files-'));
  const home = join(work, 'home');
  const cwd = join(work, 'project');
  for (const dir of [join(home, 'scenarios'), join(home, 'calibration'), join(cwd, 'scenarios'), join(cwd, 'calibration')]) mkdirSync(dir, { recursive: true });
  // "mine" exists in both the working directory and CAPSIM_HOME; "team" only in CAPSIM_HOME; "local-burst" is also shipped.
  writeFileSync(join(cwd, 'scenarios', 'mine.json'), JSON.stringify(scenarioNamed('from the working directory')));
  writeFileSync(join(home, 'scenarios', 'mine.json'), JSON.stringify(scenarioNamed('from CAPSIM_HOME')));
  writeFileSync(join(home, 'scenarios', 'team.json'), JSON.stringify(scenarioNamed('the team scenario')));
  writeFileSync(join(cwd, 'scenarios', 'local-burst.json'), JSON.stringify(scenarioNamed('a local override of a shipped name')));
  writeFileSync(join(cwd, 'calibration', 'mine.json'), JSON.stringify(calibrationNamed('mine-cwd', 'local', 0.2)));
  writeFileSync(join(home, 'calibration', 'mine.json'), JSON.stringify(calibrationNamed('mine-home', 'local', 0.3)));
  writeFileSync(join(home, 'calibration', 'team.json'), JSON.stringify(calibrationNamed('team-home', 'local', 0.4)));
  const predict = (args: string[], env: Record<string, string> = { CAPSIM_HOME: home }) => runCli(['predict', ...local, ...quick, ...args], { cwd, env });

  it('a name in the working directory wins over CAPSIM_HOME and over a shipped file of that name', () => {
    const mine = predict(['--scenario', 'mine', '--calibration', 'mine']);
    expect(mine.code, mine.stderr).toBe(0);
    const p = JSON.parse(mine.stdout);
    expect(p.scenario.source).toBe(join(cwd, 'scenarios', 'mine.json'));
    expect(p.calibration).toBe('mine-cwd');
    const shadowed = JSON.parse(predict(['--scenario', 'local-burst']).stdout);
    expect(shadowed.scenario.source).toBe(join(cwd, 'scenarios', 'local-burst.json'));
  });

  it('then CAPSIM_HOME, then the shipped files', () => {
    const team = JSON.parse(predict(['--scenario', 'team', '--calibration', 'team']).stdout);
    expect(team.scenario.source).toBe(join(home, 'scenarios', 'team.json'));
    expect(team.calibration).toBe('team-home');
    const shipped = JSON.parse(predict(['--scenario', 'pip-burst', '--calibration', 'local-stack']).stdout);
    expect(shipped.scenario.source).toBe(join(repoRoot, 'scenarios', 'pip-burst.json'));
    expect(shipped.calibration).toBe('local-stack');
  });

  it('an unknown name says where it looked and what each place holds, in one line', () => {
    const r = predict(['--scenario', 'nope']);
    expect(r.code).toBe(2);
    const line = r.stderr.trim();
    expect(line.split('\n')).toHaveLength(1);
    expect(line).toContain(`unknown scenario "nope": no nope.json in ./scenarios (${join(cwd, 'scenarios')}: local-burst, mine)`);
    expect(line).toContain(`$CAPSIM_HOME/scenarios (${join(home, 'scenarios')}: mine, team)`);
    expect(line).toMatch(/shipped \(.*: .*light-load, local-burst, pip-burst, production-incident, steady.*\)/);
    const withoutHome = predict(['--calibration', 'nope'], { CAPSIM_HOME: '' });
    expect(withoutHome.stderr.trim()).toMatch(/^capsim: unknown calibration "nope": no nope.json in \.\/calibration \(.*: mine\), shipped \(.*: local-stack, published-2025\); CAPSIM_HOME is not set/);
  });
});

describe('calibrate writes a file and prints a command that works as printed', () => {
  it('--out calibration/mine.json, then the printed predict command succeeds from the same directory', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'capsim-calibrate-roundtrip-'));
    cpSync(join(repoRoot, 'test', 'calibrate', 'fixtures', 'local-2x2-burst60'), join(cwd, 'run'), { recursive: true });
    const fit = runCli(['calibrate', '--run', 'run/summary.json', '--fit', 'service.walkCpuPerFileMs', '--max-evaluations', '4', '--replications', '1', '--out', 'calibration/mine.json'], { cwd });
    expect(fit.code, fit.stderr).toBe(0);
    // The local run starts from the calibration predict uses for a custom machine.
    expect(fit.stdout).toMatch(/^fitted 1 parameter to 1 run \(local stack, starting from local-stack\)/m);
    // Bounds as decimals (start 0.0135 x/ 20), not float noise.
    expect(fit.stdout).toMatch(/^service\.walkCpuPerFileMs\s+\S+\s+\S+\s+0\.000675\d* \.\. 0\.27\d* \(log\)$/m);
    expect(fit.stdout).not.toMatch(/\d\.\d*0000000000\d/);
    const printed = /^ {2}(capsim predict .*)$/m.exec(fit.stdout)?.[1];
    expect(printed).toMatch(/^capsim predict --calibration mine --instance custom /);
    const argv = printed!.split(' ').slice(1);
    const again = runCli([...argv, '--replications', '1', '--json'], { cwd });
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout).calibration).toBe('mine');
  });
});

describe('capsim.json and --config FILE: defaults for any flag', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'capsim-config-'));
  const write = (name: string, content: unknown) => {
    writeFileSync(join(cwd, name), typeof content === 'string' ? content : JSON.stringify(content));
    return join(cwd, name);
  };

  it('./capsim.json fills flags the command line leaves out; a per-command section wins; the command line wins over both', () => {
    write('capsim.json', { seed: 7, replications: 3, scenario: 'local-burst', commands: { predict: { replications: 1 } } });
    const r = runCli(['predict', ...local, '--burst-size', '20', '--duration', '10', '--json'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    const p = JSON.parse(r.stdout);
    expect([p.seed, p.replications, p.scenario.name]).toEqual([7, 1, 'local-burst']);
    const flagWins = JSON.parse(runCli(['predict', ...local, '--burst-size', '20', '--duration', '10', '--json', '--seed', '9'], { cwd }).stdout);
    expect(flagWins.seed).toBe(9);
  });

  it('--config FILE names another file, on any command', () => {
    const file = write('ci.json', { seed: 11, replications: 2 });
    const r = runCli(['predict', ...local, '--scenario', 'local-burst', '--burst-size', '20', '--duration', '10', '--replications', '1', '--json', '--config', file], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).seed).toBe(11);
    const verify = runCli(['verify', '--config', file, '--json'], { cwd });
    expect(JSON.parse(verify.stdout)).toMatchObject({ seed: 11, replications: 2 });
  });

  for (const [label, content, message] of [
    ['not JSON', '{"seed": ', /^capsim: config file .*bad\.json is not valid JSON/],
    ['a misspelt flag', { replicatons: 2 }, /^capsim: .*bad\.json: field "replicatons" is not a flag of any command; did you mean replications/],
    ['a bad value', { commands: { predict: { tasks: 'many' } } }, /^capsim: .*bad\.json: field "commands\.predict\.tasks": --tasks must be a whole number, got "many"$/],
    ['a value not among the options', { algorithm: 'fastest' }, /^capsim: .*bad\.json: field "algorithm": "fastest" is not one of round_robin/],
    ['an unknown command section', { commands: { predcit: {} } }, /^capsim: .*bad\.json: field "commands\.predcit": no such command; did you mean predict\?$/],
    ['a switch given a string', { json: 'yes' }, /^capsim: .*bad\.json: field "json": --json is a switch: use true or false/],
  ] as const) {
    it(`a bad config file (${label}) is one line naming the file and the field, exit 2`, () => {
      const file = write('bad.json', content);
      const r = runCli(['predict', ...local, '--config', file], { cwd });
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr.trim()).toMatch(message);
    });
  }

  it("a value capsim.json supplies goes through the command's own checks: refused, it is one line naming the file and the field", () => {
    const notADirectory = write('a-file', '');
    const file = write('run-checks.json', { replications: 5000 });
    const replications = runCli(['verify', '--config', file], { cwd });
    expect(replications.code).toBe(2);
    expect(replications.stderr).toMatch(/^capsim: .*run-checks\.json: field "replications": --replications must be between 1 and 1000, got 5000\n$/);
    const validate = runCli(['validate', '--url', 'http://127.0.0.1:9/', '--config', write('out-dir.json', { commands: { validate: { 'out-dir': notADirectory } } })], { cwd });
    expect(validate.code).toBe(2);
    expect(validate.stderr).toBe(`capsim: ${join(cwd, 'out-dir.json')}: field "commands.validate.out-dir": --out-dir ${notADirectory} is a file, not a directory\n`);
  });

  it('a default that does not apply to this run is left unused; the same flag typed on the command line is refused', () => {
    const file = write('shared.json', { region: 'eu-west-1', 'diagnostics-s': '2' });
    const dryRun = runCli(['validate', '--url', 'http://127.0.0.1:9/', '--dry-run', '--config', file], { cwd });
    expect(dryRun.code, dryRun.stderr).toBe(0);
    expect(dryRun.stderr).toBe('');
    const typed = runCli(['validate', '--url', 'http://127.0.0.1:9/', '--dry-run', '--region', 'eu-west-1'], { cwd });
    expect(typed.code).toBe(2);
    expect(typed.stderr).toMatch(/^capsim: --region does not apply: /);
  });

  it('a missing --config FILE is bad input', () => {
    const r = runCli(['verify', '--config', join(cwd, 'nope.json')], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^capsim: --config .*nope\.json does not exist$/);
  });
});
