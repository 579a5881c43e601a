/**
 * Fuzz: where results are written. Every bad place for an output (a file where a directory is needed and
 * the reverse, a place that takes no new files, a directory another run holds, an earlier run's results) is
 * refused in one line before anything is written, and the earlier results stay byte for byte as they were.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { LOCK_FILE, OutputDirectory } from '../../src/output/output-directory.js';
import { checkOutputDirectory, checkOutputFile, writeFileAtomic } from '../../src/output/output-path.js';
import { snapshot } from './snapshot.js';

const root = mkdtempSync(path.join(tmpdir(), 'capsim-output-fuzz-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const earlier = path.join(root, 'earlier');
const run = path.join(earlier, 'run');
const aFile = path.join(earlier, 'notes.txt');
let before: Record<string, string>;

beforeAll(() => {
  mkdirSync(run, { recursive: true });
  writeFileSync(path.join(run, 'summary.json'), '{"total_requests": 3}\n');
  writeFileSync(path.join(run, 'summary.md'), '# earlier\n');
  writeFileSync(path.join(run, 'requests.ndjson'), '{"op": 1}\n');
  writeFileSync(aFile, 'a regular file\n');
  before = snapshot(earlier);
});

/** The first line of the UserError `act` throws (it must throw one, and only one line). */
function refusal(act: () => unknown): string {
  try {
    act();
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    const message = (error as Error).message;
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error('expected a refusal');
}

/** A process of ours that runs until killed (a live pid holding a lock). */
function sleeper(): { pid: number; stop: () => void } {
  const child = spawn('sleep', ['60'], { stdio: 'ignore' });
  return { pid: child.pid!, stop: () => child.kill('SIGKILL') };
}

async function deadPid(): Promise<number> {
  const child = spawn('true', { stdio: 'ignore' });
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid!;
}

const refuse = { flag: '--out-dir', existing: 'refuse' } as const;

describe('bad output places are refused in one line, before anything is written', () => {
  it.each([
    ['an earlier run\'s directory', () => OutputDirectory.claim(run, refuse), /^--out-dir .*\/run already holds results \(requests\.ndjson, summary\.json, summary\.md\): choose a new directory, or pass --force to replace them$/],
    ['the same, checked ahead', () => OutputDirectory.check(run, refuse), /already holds results/],
    ['a regular file as a directory', () => OutputDirectory.claim(aFile, refuse), /^--out-dir .*notes\.txt is a file, not a directory$/],
    ['a directory under a regular file', () => OutputDirectory.claim(path.join(aFile, 'x'), refuse), /^--out-dir .*notes\.txt\/x: .*notes\.txt is a file, not a directory$/],
    ['a directory under /proc', () => OutputDirectory.claim('/proc/capsim-fuzz', refuse), /^cannot write --out-dir \/proc\/capsim-fuzz: nothing can be created in \/proc: /],
    ['a --csv file under /proc', () => checkOutputDirectory('/proc/capsim-fuzz', '--csv'), /^cannot write --csv \/proc\/capsim-fuzz: nothing can be created in \/proc/],
    ['a --report that is a directory', () => checkOutputFile(run, '--report'), /^--report .*\/run is a directory; give a file name$/],
    ['a --tfvars under /proc', () => checkOutputFile('/proc/capsim.tfvars', '--tfvars'), /^cannot write --tfvars \/proc\/capsim\.tfvars: nothing can be created in \/proc/],
    ['a --report under a regular file', () => checkOutputFile(path.join(aFile, 'r.html'), '--report'), /is a file, not a directory$/],
    ['an atomic write over a directory', () => writeFileAtomic(run, 'x', '--report'), /^cannot write --report .*\/run: /],
  ] as const)('%s', (_name, act, line) => {
    expect(refusal(act)).toMatch(line);
    expect(snapshot(earlier)).toEqual(before);
    expect(existsSync('/proc/capsim-fuzz')).toBe(false);
  });
});

describe('the lock: one run per directory', () => {
  it('a directory held by a live process is refused, naming its pid and start time', () => {
    const dir = path.join(root, 'held');
    mkdirSync(dir);
    const holder = sleeper();
    try {
      writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify({ pid: holder.pid, started: '2026-01-01T00:00:00.000Z', command: 'capsim validate' }));
      const line = `--out-dir ${dir} is in use by another capsim run (pid ${holder.pid}, started 2026-01-01T00:00:00.000Z): wait for it to finish or choose another directory`;
      expect(refusal(() => OutputDirectory.claim(dir, refuse))).toBe(line);
      expect(refusal(() => OutputDirectory.check(dir, refuse))).toBe(line);
      expect(refusal(() => OutputDirectory.claim(dir, { flag: '--csv', existing: 'replace' }))).toMatch(/^--csv .* is in use by another capsim run/);
    } finally {
      holder.stop();
    }
  });

  it('a lock left by a process that is gone is taken over; release removes it and the directories it made', async () => {
    const dir = path.join(root, 'stale', 'deeper');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify({ pid: await deadPid(), started: '2026-01-01T00:00:00.000Z', command: 'capsim validate' }));
    const claimed = OutputDirectory.claim(dir, refuse);
    expect(JSON.parse(readFileSync(path.join(dir, LOCK_FILE), 'utf8')).pid).toBe(process.pid);
    claimed.release();
    expect(readdirSync(dir)).toEqual([]);

    const fresh = path.join(root, 'new', 'a', 'b');
    const made = OutputDirectory.claim(fresh, refuse);
    made.release();
    expect(existsSync(path.join(root, 'new'))).toBe(false);
  });

  it('one process may hold a directory for several outputs (validate --out-dir D --csv D)', () => {
    const dir = path.join(root, 'shared');
    const out = OutputDirectory.claim(dir, refuse);
    const csv = OutputDirectory.claim(dir, { flag: '--csv', existing: 'replace' });
    csv.write('headline.csv', 'metric\n');
    csv.release();
    expect(existsSync(path.join(dir, LOCK_FILE))).toBe(true);
    out.write('summary.json', '{}\n');
    out.release();
    expect(readdirSync(dir).sort()).toEqual(['headline.csv', 'summary.json']);
  });
});

describe('results are written through a temporary name and a rename', () => {
  it('replaces a file whole and leaves no temporary file; --force replaces an earlier run', () => {
    const dir = path.join(root, 'forced');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'summary.json'), 'old\n');
    const claimed = OutputDirectory.claim(dir, { ...refuse, force: true });
    claimed.write('summary.json', 'new\n');
    claimed.release();
    expect(readFileSync(path.join(dir, 'summary.json'), 'utf8')).toBe('new\n');
    expect(readdirSync(dir)).toEqual(['summary.json']);
    writeFileAtomic(path.join(root, 'made', 'for', 'report.html'), '<html></html>', '--report');
    expect(readdirSync(path.join(root, 'made', 'for'))).toEqual(['report.html']);
  });
});
