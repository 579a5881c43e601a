// Discovery against a loopback index: the formats, the bounds, and every reason it stops a run before any load.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import seedrandom from 'seedrandom';
import { afterEach, describe, expect, it } from 'vitest';
import { clientHeaders } from '../../src/live/client-headers.js';
import { discoverRepository, discoveredRepository, type DiscoveredProject } from '../../src/live/discovery.js';
import { ProjectPicker } from '../../src/live/project-picker.js';
import { normalizeProjectName, parseProjectPick, parseProjectsFlag, parseRequirementsFlag } from '../../src/live/project-selection.js';
import { startTinyIndex, type TinyIndex, type TinyIndexOptions } from './helpers/tiny-index.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function index(options: TinyIndexOptions = {}): Promise<TinyIndex> {
  const server = await startTinyIndex(options);
  cleanups.push(() => server.close());
  return server;
}

const discover = (server: TinyIndex, extra: Partial<Parameters<typeof discoverRepository>[0]> = {}) =>
  discoverRepository({ base: new URL(server.url), indexHeaders: clientHeaders('pip').index, fileHeaders: clientHeaders('pip').file, timeoutMs: 5000, ...extra });

describe('discovering an index', () => {
  it('reads the PEP 503 HTML list, every page and a HEAD per file: exact counts and sizes', async () => {
    const server = await index();
    const d = await discover(server);
    expect(d).toMatchObject({ format: 'pep503-html', listedProjects: 10, pagesRead: 10, files: 30, filesEstimated: false, sizedFiles: 30, sizeSource: 'head-content-length', meanFileBytes: 1000, named: false, requests: 1 + 10 + 30 });
    expect(d.candidates.map((c) => c.name)).toEqual(server.projects);
    expect(d.candidates[0].files.map((f) => f.version)).toEqual(['1.0.0', '1.1.0', '2.0.0']);
    expect(server.seen[0]).toMatchObject({ method: 'GET', path: '/simple/' });
    expect(server.seen[0].headers.accept).toContain('application/vnd.pypi.simple.v1+json');
  });

  it('takes PEP 691 JSON when the index offers it', async () => {
    const server = await index({ listing: 'json' });
    expect((await discover(server)).format).toBe('pep691-json');
  });

  it('samples a long list evenly and estimates the file count; bounds the HEADs', async () => {
    const server = await index({ projects: Array.from({ length: 40 }, (_, i) => `big-${String(i).padStart(3, '0')}`) });
    const d = await discover(server, { maxPages: 8, maxHeads: 5 });
    expect(d.pagesRead).toBe(8);
    expect(d.candidates.map((c) => c.name)).toEqual([0, 5, 10, 15, 20, 25, 30, 35].map((i) => `big-${String(i).padStart(3, '0')}`));
    expect(d).toMatchObject({ listedProjects: 40, files: 120, filesEstimated: true, sizedFiles: 5 });
    expect(server.seen.filter((r) => r.method === 'HEAD')).toHaveLength(5);
    expect(d.notices[0]).toMatch(/lists 40 projects: read 8 of their pages/);
  });

  it('named projects: their pages are checked; the repository counts the whole index', async () => {
    const server = await index();
    const d = await discover(server, { named: ['demo-004', 'demo-007'] });
    expect(d.candidates.map((c) => c.name)).toEqual(['demo-004', 'demo-007']);
    expect(d.files).toBe(30);
    const repository = discoveredRepository(d, 'uniform', { projects: 100, versionsPerProject: 3, wheelBytes: 50000, versionPick: 'uniform' });
    expect(repository).toEqual({ projects: 10, versionsPerProject: 3, wheelBytes: 1000, versionPick: 'uniform', files: 30 });
  });

  it('stops with one line: a named project answered with a 303 to another host or a 404, an empty index, a list in neither format', async () => {
    const server = await index();
    await expect(discover(server, { named: ['demo-001', 'not-here'] })).rejects.toThrow(
      '--projects: "not-here" is not on the index: GET /simple/not-here/ answered 303 to https://pypi.org/simple/not-here/ (another host)',
    );
    const notFound = await index({ unknownProject: 404, projects: ['only-one'] });
    await expect(discover(notFound, { named: ['only-one', 'x-y'] })).rejects.toThrow('--projects: "x-y" is not on the index: GET /simple/x-y/ answered 404');
    await expect(discover(await index({ listing: 'empty' }))).rejects.toThrow(/^the index at http:\/\/127\.0\.0\.1:\d+\/ lists no projects on http:\/\/127\.0\.0\.1:\d+\/simple\/: nothing to install$/);
    await expect(discover(await index({ listing: 'text' }))).rejects.toThrow(/answered Content-Type "text\/plain": neither a PEP 691 JSON nor a PEP 503 HTML index page$/);
  });
});

describe('--projects and --project-pick', () => {
  it('parses a,b,c and @file (one a line, # comments), normalized, without duplicates', () => {
    expect(parseProjectsFlag('Foo_Bar, baz.qux ,foo-bar')).toEqual(['foo-bar', 'baz-qux']);
    const dir = mkdtempSync(path.join(tmpdir(), 'capsim-projects-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'projects.txt');
    writeFileSync(file, '# our CI set\nrequests\n\n  Django  # the big one\n');
    expect(parseProjectsFlag(`@${file}`)).toEqual(['requests', 'django']);
    expect(normalizeProjectName('A.b__C')).toBe('a-b-c');
  });

  it('--requirements: a number, or a pip requirements file read for its project names in order', () => {
    expect(parseRequirementsFlag('3')).toEqual({ count: 3 });
    const dir = mkdtempSync(path.join(tmpdir(), 'capsim-req-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'requirements.txt');
    writeFileSync(file, '# CI deps\n--index-url http://127.0.0.1:1/simple/\n-r base.txt\nrequests[socks]>=2.31 ; python_version >= "3.8"\nDjango==4.2  # pinned\n\nrequests\nattrs @ https://example.invalid/attrs.whl\n');
    expect(parseRequirementsFlag(file)).toEqual({ names: ['requests', 'django', 'attrs'], file });
    expect(() => parseRequirementsFlag('0')).toThrow('--requirements must be a whole number of projects per install from 1 to 1000, got 0');
    expect(() => parseRequirementsFlag('1000000')).toThrow('--requirements must be a whole number of projects per install from 1 to 1000, got 1000000');
    expect(() => parseRequirementsFlag('/no/such/requirements.txt')).toThrow('--requirements /no/such/requirements.txt: neither a number of projects per install (1 to 1000) nor an existing requirements file');
  });

  it('refuses what is not a project list in one line', () => {
    expect(() => parseProjectsFlag('@/no/such/file')).toThrow('--projects @/no/such/file: file /no/such/file does not exist');
    expect(() => parseProjectsFlag(' , ')).toThrow('--projects: names no project');
    expect(() => parseProjectsFlag('ok,not ok')).toThrow('--projects: "not ok" is not a project name');
    expect(() => parseProjectPick('popular')).toThrow('--project-pick: expected uniform or weighted, got "popular"');
  });

  it('picks uniformly, or weighted by file count; latest is the newest version, uniform any file', () => {
    const project = (name: string, n: number): DiscoveredProject => ({
      name,
      files: Array.from({ length: n }, (_, i) => ({ fileName: `${name}-1.${i}.0-py3-none-any.whl`, url: `http://x/packages/${name}-1.${i}.0-py3-none-any.whl`, version: `1.${i}.0`, bytes: 10 })),
    });
    const candidates = [project('one', 1), project('nine', 9)];
    const count = (pick: 'uniform' | 'weighted') => {
      const picker = new ProjectPicker(candidates, pick, 'latest', seedrandom('t'));
      let nine = 0;
      for (let i = 0; i < 10_000; i++) if (picker.next().project === 'nine') nine += 1;
      return nine / 10_000;
    };
    expect(count('uniform')).toBeCloseTo(0.5, 1);
    expect(count('weighted')).toBeCloseTo(0.9, 1);
    const latest = new ProjectPicker([project('nine', 9)], 'uniform', 'latest', seedrandom('t')).next();
    expect(latest).toEqual({ project: 'nine', version: '1.8.0', pick: 'latest', fileUrl: 'http://x/packages/nine-1.8.0-py3-none-any.whl', fileName: 'nine-1.8.0-py3-none-any.whl' });
    const uniform = new ProjectPicker([project('nine', 9)], 'uniform', 'uniform', seedrandom('t'));
    const versions = new Set(Array.from({ length: 200 }, () => uniform.next().version));
    expect(versions.size).toBe(9);
    // weighted pick: the page of an installed project holds sum n^2 / sum n files on average
    expect(discoveredRepository({ candidates, listedProjects: 2, files: 10, meanFileBytes: 10 } as never, 'weighted', { projects: 1, versionsPerProject: 1, wheelBytes: 1, versionPick: 'latest' }).versionsPerProject).toBeCloseTo(82 / 10, 12);
  });
});
