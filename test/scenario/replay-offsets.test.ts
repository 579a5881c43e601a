import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startOffsetsMs } from '../../src/scenario/schedule.js';
import { validateScenario } from '../../src/scenario/load.js';
import { readReplayOffsets } from '../../src/scenario/replay-offsets.js';

const dir = mkdtempSync(join(tmpdir(), 'capsim-replay-'));

function scenarioWith(file: string) {
  return validateScenario(
    {
      name: 'replay',
      flow: 'pip-simple-index',
      profile: { executor: 'replay', file, timeScale: 0.5 },
      client: { timeoutSeconds: 15, retries: 0, backoffFactorSeconds: 0, retryStatuses: [], keepAlive: true, cookies: 'per-install' },
      repository: { projects: 10, versionsPerProject: 1, wheelBytes: 1000, versionPick: 'latest' },
    },
    join(dir, 'scenario.json'),
  );
}

describe('replay offsets', () => {
  it('predict and validate read one file the same way (comments, white space, JSON)', () => {
    writeFileSync(join(dir, 'offsets.txt'), '# CI starts\n0 0.5\n2   # a late one\n1\n');
    expect(readReplayOffsets(join(dir, 'offsets.txt'))).toEqual([0, 0.5, 1, 2]);
    writeFileSync(join(dir, 'crlf.txt'), '1\t2\r\n# two # more\r\n3 # three\r\n#\r\n0.25');
    expect(readReplayOffsets(join(dir, 'crlf.txt'))).toEqual([0.25, 1, 2, 3]);
    writeFileSync(join(dir, 'offsets.json'), '[3, 1, 2]');
    expect(readReplayOffsets(join(dir, 'offsets.json'))).toEqual([1, 2, 3]);
    const scenario = scenarioWith('offsets.txt');
    // Read once when the scenario loads: the profile carries the offsets, the file is not read again.
    expect(scenario.profile).toMatchObject({ executor: 'replay', offsetsSeconds: [0, 0.5, 1, 2], timeScale: 0.5 });
    writeFileSync(join(dir, 'offsets.txt'), '7\n');
    expect(startOffsetsMs(scenario.profile as never)).toEqual([0, 250, 500, 1000]);
  });

  it('rejects a malformed or unreadable file when the scenario loads, in one line', () => {
    writeFileSync(join(dir, 'bad.txt'), '1\nsoon\n');
    expect(() => scenarioWith('bad.txt')).toThrow(/entry 2 must be a number of seconds/);
    mkdirSync(join(dir, 'folder'));
    expect(() => scenarioWith('folder')).toThrow(/cannot be read \(EISDIR\)/);
  });
});
