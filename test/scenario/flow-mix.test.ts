import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { installKinds, kindPicker } from '../../src/scenario/flow-mix.js';
import { applyOverrides, validateScenario } from '../../src/scenario/load.js';
import type { Scenario } from '../../src/scenario/types.js';
import { RngStreams } from '../../src/sim/rng.js';
import { params, run } from '../model/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'capsim-flow-mix-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const pip = { timeoutSeconds: 15, retries: 5, backoffFactorSeconds: 0.25, retryStatuses: [500, 503, 520, 527], keepAlive: true };
const seed = { timeoutSeconds: 30, retries: 0, backoffFactorSeconds: 0, retryStatuses: [], keepAlive: true };

function mixed(changes: Record<string, unknown> = {}, offsets?: string): Scenario {
  const file = join(dir, 'scenario.json');
  if (offsets !== undefined) writeFileSync(join(dir, 'offsets.txt'), offsets);
  return validateScenario(
    {
      name: 'mixed',
      flow: 'pip-simple-index',
      flowMix: [
        { flow: 'pip-simple-index', share: 0.6 },
        { name: 'poetry', flow: 'pip-simple-index', share: 0.1, client: { ...pip, retryStatuses: [502, 503, 504] } },
        { flow: 'seed-tool', share: 0.3, client: seed },
      ],
      profile: offsets !== undefined ? { executor: 'replay', file: 'offsets.txt', timeScale: 1 } : { executor: 'constant-arrival-rate', installsPerSecond: 10, durationSeconds: 100 },
      client: pip,
      repository: { projects: 100, versionsPerProject: 3, wheelBytes: 50000, versionPick: 'latest' },
      ...changes,
    },
    file,
  );
}

describe('flow mix', () => {
  it('reads a mix: names default to the flow, clients to the scenario\'s', () => {
    const s = mixed();
    expect(installKinds(s).map((k) => [k.name, k.flow, k.share, k.client.retryStatuses])).toEqual([
      ['pip-simple-index', 'pip-simple-index', 0.6, [500, 503, 520, 527]],
      ['poetry', 'pip-simple-index', 0.1, [502, 503, 504]],
      ['seed-tool', 'seed-tool', 0.3, []],
    ]);
  });

  it('draws each install\'s kind by share, the same way for the same seed; one kind draws nothing', () => {
    const s = mixed();
    const counts = [0, 0, 0];
    const pick = kindPicker(s, new RngStreams(1).stream('flows'));
    const n = 10000;
    for (let k = 0; k < n; k++) counts[pick(k)]++;
    // Within 4 standard deviations of the binomial.
    installKinds(s).forEach((kind, i) => expect(Math.abs(counts[i] - n * kind.share)).toBeLessThan(4 * Math.sqrt(n * kind.share * (1 - kind.share))));
    const again = kindPicker(s, new RngStreams(1).stream('flows'));
    const first = Array.from({ length: 50 }, (_, k) => again(k));
    const other = kindPicker(s, new RngStreams(1).stream('flows'));
    expect(Array.from({ length: 50 }, (_, k) => other(k))).toEqual(first);
    let draws = 0;
    const single = kindPicker(applyOverrides(s, { flow: 'seed-tool' }), () => (draws++, 0.5));
    expect([single(0), single(1), draws]).toEqual([0, 0, 0]);
  });

  it('a replay line may name its install\'s kind; the others draw', () => {
    const s = mixed({}, '# start, kind\n2.5 seed-tool\n0 poetry\n1\n3 pip-simple-index # pip with .../simple/\n');
    if (s.profile.executor !== 'replay') throw new Error('replay');
    expect(s.profile.offsetsSeconds).toEqual([0, 1, 2.5, 3]);
    expect(s.profile.offsetsMix).toEqual([1, -1, 2, 0]);
    const pick = kindPicker(s, () => 0.95);
    expect([0, 1, 2, 3].map(pick)).toEqual([1, 2, 2, 0]);
  });

  it('--flow runs every install as one flow', () => {
    const s = applyOverrides(mixed({}, '0 poetry\n1 seed-tool\n'), { flow: 'pip-root-index', timeoutSeconds: 5 });
    expect(s.flowMix).toBeUndefined();
    expect(s.profile.executor === 'replay' && s.profile.offsetsMix).toBeUndefined();
    expect(installKinds(s).map((k) => [k.flow, k.client.timeoutSeconds])).toEqual([['pip-root-index', 5]]);
  });

  for (const [label, changes, offsets, message] of [
    ['shares that do not sum to 1', { flowMix: [{ flow: 'seed-tool', share: 0.5 }, { flow: 'pip-root-index', share: 0.4 }], flow: 'seed-tool' }, undefined, /flowMix: the shares must sum to 1 \(they sum to 0\.9\)/],
    ['a name used twice', { flowMix: [{ flow: 'seed-tool', share: 0.5 }, { flow: 'seed-tool', share: 0.5 }], flow: 'seed-tool' }, undefined, /the name "seed-tool" is used twice/],
    ['a flow outside the mix', { flowMix: [{ flow: 'seed-tool', share: 1 }] }, undefined, /field "flow" \(pip-simple-index\) must be the flow of one of the flowMix entries \(seed-tool\)/],
    ['an unknown flow', { flowMix: [{ flow: 'uv', share: 1 }] }, undefined, /flowMix\[0\]: field "flow" must be one of/],
    ['a name with a space', { flowMix: [{ name: 'two words', flow: 'pip-simple-index', share: 1 }] }, undefined, /flowMix\[0\]: field "name" must be one word/],
    ['a replay line naming no kind', {}, '0 poetry\n1 uv\n', /"uv" after entry 2 is not one of the flowMix names \(pip-simple-index, poetry, seed-tool\)/],
    ['a replay word that is neither', {}, '0 poetry\n-3\n', /entry 2 must be a number of seconds from 0 to 86400 \(24 h, the longest run\), got "-3"; after it, optionally, one of pip-simple-index, poetry, seed-tool/],
  ] as Array<[string, Record<string, unknown>, string | undefined, RegExp]>) {
    it(`refuses ${label} in one line`, () => {
      expect(() => mixed(changes, offsets)).toThrow(message);
    });
  }

  it('the model runs each install as its kind: its flow\'s operations, its client\'s timeout', () => {
    // 60 installs named one by one: 20 seed-tool (3 operations), 40 pip with .../simple/ (2); the seed tool's
    // 1 ms timeout fails every one of its operations, pip's 15 s none.
    const lines = Array.from({ length: 60 }, (_, k) => `${(k * 0.05).toFixed(2)} ${k % 3 === 0 ? 'seed-tool' : 'pip-simple-index'}`).join('\n');
    const s = mixed({ flowMix: [{ flow: 'pip-simple-index', share: 0.7 }, { flow: 'seed-tool', share: 0.3, client: { ...seed, timeoutSeconds: 0.001 } }] }, lines);
    const p = run({ instance: 'c6a.xlarge', tasks: 4, workers: 4 }, s, params(), 2);
    expect(p.operations.mean).toBe(20 * 3 + 40 * 2);
    expect(p.perOperation.root.operations.mean).toBe(20);
    expect(p.perOperation.simple.operations.mean).toBe(20 + 40);
    expect(p.perOperation.download.operations.mean).toBe(20 + 40);
    expect(p.failures.clientTimeout.mean).toBe(20 * 3);
    expect(p.perOperation.root.errorRate.mean).toBe(1);
    expect(p.perOperation.download.errorRate.mean).toBeCloseTo(20 / 60, 12);
    expect(p.scenario.flowMix?.map((m) => m.name)).toEqual(['pip-simple-index', 'seed-tool']);
  });
});
