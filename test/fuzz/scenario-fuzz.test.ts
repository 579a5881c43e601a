/**
 * Fuzz: scenario files, overrides and headroom. A scenario either loads with a load a run can carry (at most
 * MAX_FETCHES_PER_RUN projects fetched, no install after 24 h) or is refused in one line naming the file
 * (a UserError, never another exception); replay files included.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import seedrandom from 'seedrandom';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { applyOverrides, loadScenario, MAX_FETCHES_PER_RUN, validateScenario } from '../../src/scenario/load.js';
import { scaleLoad } from '../../src/scenario/scale.js';
import { loadDurationMs, nominalInstalls } from '../../src/scenario/schedule.js';

const dir = mkdtempSync(path.join(tmpdir(), 'capsim-scenario-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const client = { timeoutSeconds: 30, retries: 0, backoffFactorSeconds: 0, retryStatuses: [], keepAlive: true };
const repository = { projects: 100, versionsPerProject: 3, wheelBytes: 50000, versionPick: 'latest' };

/** A replay scenario over an offsets file with `text`; returns the scenario file's path. */
function replayScenario(text: string, timeScale = 1): string {
  const name = `replay-${Math.random().toString(36).slice(2)}`;
  writeFileSync(path.join(dir, `${name}.txt`), text);
  const file = path.join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify({ name, flow: 'seed-tool', profile: { executor: 'replay', file: `${name}.txt`, timeScale }, client, repository }));
  return file;
}

function refusal(act: () => unknown): string {
  try {
    act();
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).not.toContain('\n');
    return (error as Error).message;
  }
  throw new Error('expected a refusal');
}

describe('replay files', () => {
  it.each([
    ['an offset of 1e9 s', '0\n1e9\n', 1, /entry 2 must be a number of seconds from 0 to 86400 \(24 h, the longest run\), got "1e9"/],
    ['an empty file', '', 1, /replay file .* holds no start offsets: a replay needs at least one install$/],
    ['comments only', '# nothing\n', 1, /holds no start offsets/],
    ['an empty JSON array', '[]', 1, /holds no start offsets/],
    ['a negative offset', '-1\n', 1, /entry 1 must be a number of seconds from 0 to 86400/],
    ['offsets x timeScale past 24 h', '0\n50000\n', 2, /the last install of .* starts at 50000 s x timeScale 2 = 100000 s; a run lasts at most 86400 s \(24 h\)/],
    ['a timeScale of 0', '0\n1\n', 0, /profile: field "timeScale" must be a number > 0 <= 1000 \(got 0\)$/],
    ['a timeScale of 1e6', '0\n1\n', 1e6, /profile: field "timeScale" must be a number > 0 <= 1000 \(got 1000000\)$/],
  ] as const)('%s is refused naming the file', (_name, text, timeScale, line) => {
    const file = replayScenario(text, timeScale);
    expect(refusal(() => loadScenario(file))).toMatch(line);
  });

  it('a replay inside the bounds loads', () => {
    const scenario = loadScenario(replayScenario('0\n1\n86400\n'));
    expect(loadDurationMs(scenario.profile)).toBe(86_400_000);
  });
});

describe('loads a run cannot carry', () => {
  const incident = loadScenario('production-incident');
  it('overrides that make more than a million fetches, or a run past 24 h', () => {
    expect(refusal(() => applyOverrides(incident, { burstSize: 100000, baseline: 100000, durationSeconds: 86400 }))).toMatch(
      /^scenario "production-incident" with the command line's overrides: the load starts 864,000,000 installs over the run; at most 1,000,000 projects are fetched in one run$/,
    );
    expect(refusal(() => applyOverrides(incident, { durationSeconds: 1e6 }))).toMatch(/--duration must be > 0 and at most 86400 seconds/);
    expect(refusal(() => applyOverrides(incident, { requirements: 1000, burstSize: 20000 }))).toMatch(/installs x 1000 requirements over the run/);
  });

  it('headroom that scales the load past the cap', () => {
    const big = applyOverrides(incident, { burstSize: 5000 });
    expect(refusal(() => scaleLoad(big, 100))).toMatch(/^scenario "production-incident" scaled by --headroom 100: the load starts 2,500,\d{3} installs over the run/);
  });
});

/** Values that break naive loaders: wrong types, signs, huge and tiny numbers. */
const NASTY: unknown[] = [0, -1, 0.5, 1, 3, 1e-9, 1e9, 1e308, 2 ** 53 + 1, '3', null, [], {}, true, 'burst-iterations', 'replay'];

describe('random scenario objects (seeded): each loads within the caps or is refused in one line', () => {
  it('400 mutations of the shipped scenarios', () => {
    const rng = seedrandom('capsim fuzz scenarios');
    const bases = ['production-incident', 'steady', 'pip-burst'].map((name) => {
      const { source: _source, ...raw } = loadScenario(name);
      return raw as unknown as Record<string, Record<string, unknown>>;
    });
    let loaded = 0;
    for (let i = 0; i < 400; i++) {
      const scenario = structuredClone(bases[i % bases.length]);
      for (let m = 0; m < 1 + Math.floor(rng() * 3); m++) {
        const section = ['profile', 'client', 'repository'][Math.floor(rng() * 3)];
        const keys = Object.keys(scenario[section]);
        const key = keys[Math.floor(rng() * keys.length)];
        scenario[section][key] = NASTY[Math.floor(rng() * NASTY.length)];
      }
      try {
        const s = validateScenario(scenario, `fuzz-${i}.json`);
        loaded++;
        expect(nominalInstalls(s.profile) * (s.requirements ?? 1)).toBeLessThanOrEqual(MAX_FETCHES_PER_RUN);
        expect(loadDurationMs(s.profile)).toBeLessThanOrEqual(86_400_000);
      } catch (error) {
        expect(error).toBeInstanceOf(UserError);
        expect((error as Error).message).toMatch(new RegExp(`^fuzz-${i}\\.json`));
        expect((error as Error).message).not.toContain('\n');
      }
    }
    // Some mutations are harmless (a timeout of 3 s): the loader is not simply refusing everything.
    expect(loaded).toBeGreaterThan(20);
  });
});
