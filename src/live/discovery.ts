/**
 * Learns what an index really holds before a validate run sends any load:
 * its project list (GET /simple/, PEP 691 JSON when offered, else PEP 503
 * HTML), each project's page (file names, versions, sizes) and, where a page
 * does not give sizes, the Content-Length of a HEAD per file (bounded). A
 * named project the index does not have (a redirect to another host, a 404),
 * an index that lists nothing, or a /simple/ in neither format stops the run
 * with one line before any load.
 */
import type { Repository } from '../scenario/types.js';
import { UserError } from '../errors.js';
import { IndexClient, type IndexResponse } from './index-client.js';
import { pageFormat, parseIndexPage, parseProjectList, type FileLink } from './index-page.js';
import { normalizeProjectName, type ProjectPick } from './project-selection.js';
import { redactUrl } from './redact.js';

export type PageFormat = 'pep691-json' | 'pep503-html';

export interface DiscoveredFile {
  fileName: string;
  /** Absolute URL, no fragment. */
  url: string;
  version: string | null;
  /** Bytes, from the page's `size` or a HEAD's Content-Length; null when not sized. */
  bytes: number | null;
}

export interface DiscoveredProject {
  /** PEP 503 normalized name. */
  name: string;
  files: DiscoveredFile[];
}

export interface Discovery {
  /** The index page read: TARGET/simple/. */
  index: string;
  format: PageFormat;
  /** Projects the index lists. */
  listedProjects: number;
  /** The projects installs pick from (named, or every listed project with an installable file). */
  candidates: DiscoveredProject[];
  named: boolean;
  /** Project pages read (candidates and, for the file count, the other listed projects). */
  pagesRead: number;
  /** Files on the pages read, and the index's whole file count (estimated when not every page was read). */
  filesOnPagesRead: number;
  files: number;
  filesEstimated: boolean;
  /** Files whose size is known, and where sizes came from. */
  sizedFiles: number;
  sizeSource: 'json-size' | 'head-content-length' | 'json-size and head-content-length' | 'none';
  meanFileBytes: number | null;
  /** One-line notes for the user (projects without a page, a sampled list, ...). */
  notices: string[];
  /** HTTP requests discovery sent (before the load; not in requests.ndjson). */
  requests: number;
}

export interface DiscoveryOptions {
  /** Server root (ends with "/"). */
  base: URL;
  /** Headers of pip's index-page requests (the PEP 691 Accept header among them). */
  indexHeaders: Record<string, string>;
  fileHeaders: Record<string, string>;
  authorization?: string;
  timeoutMs: number;
  /** Named projects (`--projects`), normalized. */
  named?: string[];
  /** At most this many project pages are read (default 500); a longer list is sampled evenly. */
  maxPages?: number;
  /** At most this many HEAD requests for sizes (default 2000). */
  maxHeads?: number;
  /** Requests in flight at once while reading pages (default 4). */
  concurrency?: number;
}

function describeAnswer(response: IndexResponse, what: string): string {
  if (response.offOrigin) return `${what} answered ${response.status} to ${redactUrl(response.offOrigin)} (another host)`;
  return `${what} answered ${response.status}`;
}

/** The installable files of a page: wheels when there are any, else whatever has a version. */
export function installableFiles(files: DiscoveredFile[]): DiscoveredFile[] {
  const wheels = files.filter((file) => file.fileName.endsWith('.whl') && file.version !== null);
  return wheels.length > 0 ? wheels : files.filter((file) => file.version !== null);
}

/** Evenly spaced indices 0..n-1, `count` of them (all when count >= n). */
function evenSample(n: number, count: number): number[] {
  if (count >= n) return Array.from({ length: n }, (_, i) => i);
  return Array.from({ length: count }, (_, i) => Math.floor((i * n) / count));
}

async function mapLimited<T, R>(items: T[], limit: number, f: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= items.length) return;
      out[i] = await f(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

function toFiles(links: FileLink[]): DiscoveredFile[] {
  return links.map((link) => ({ fileName: link.fileName, url: link.url, version: link.version, bytes: link.size ?? null }));
}

/** Reads the index. Throws a UserError (one line) for every reason the run cannot start. */
export async function discoverRepository(options: DiscoveryOptions): Promise<Discovery> {
  const client = new IndexClient(options.base, options.indexHeaders, options.timeoutMs, options.authorization);
  try {
    return await discover(client, options);
  } finally {
    await client.close();
  }
}

async function discover(client: IndexClient, options: DiscoveryOptions): Promise<Discovery> {
  const indexUrl = new URL('simple/', options.base);
  const shown = redactUrl(indexUrl);
  const list = await client.fetch(indexUrl);
  if (list.status === 401 || list.status === 403) {
    throw new UserError(`the index answered ${list.status} for ${shown}: give --username and --password (or CAPSIM_PASSWORD) of an account that may list it`);
  }
  if (list.status !== 200) throw new UserError(`${describeAnswer(list, `GET ${shown}`)}: is --url the index's root?`);
  const format = pageFormat(list.contentType);
  if (format === null) {
    throw new UserError(`GET ${shown} answered Content-Type ${JSON.stringify(list.contentType ?? 'none')}: neither a PEP 691 JSON nor a PEP 503 HTML index page`);
  }
  let listed: string[];
  try {
    listed = [...new Set(parseProjectList(list.body, format).map(normalizeProjectName))];
  } catch (error) {
    throw new UserError(`GET ${shown}: the ${format === 'pep691-json' ? 'JSON' : 'HTML'} index page does not parse: ${(error as Error).message}`);
  }
  const notices: string[] = [];
  const named = options.named !== undefined;
  if (listed.length === 0 && !named) throw new UserError(`the index at ${redactUrl(options.base)} lists no projects on ${shown}: nothing to install`);

  const readPage = async (name: string): Promise<{ name: string; response: IndexResponse; files: DiscoveredFile[] | null }> => {
    const response = await client.fetch(new URL(`simple/${encodeURIComponent(name)}/`, options.base));
    if (response.status !== 200 || response.offOrigin) return { name, response, files: null };
    const pageType = pageFormat(response.contentType);
    const links = pageType === null ? [] : parseIndexPage(response.body, response.contentType, response.url.href);
    return { name, response, files: toFiles(links) };
  };

  const maxPages = options.maxPages ?? 500;
  const concurrency = options.concurrency ?? 4;
  const byName = new Map<string, DiscoveredFile[]>();
  let candidates: DiscoveredProject[];
  if (named) {
    const pages = await mapLimited(options.named!, concurrency, readPage);
    for (const page of pages) {
      if (page.files === null) {
        throw new UserError(`--projects: "${page.name}" is not on the index: ${describeAnswer(page.response, `GET /simple/${page.name}/`)}`);
      }
      if (installableFiles(page.files).length === 0) throw new UserError(`--projects: "${page.name}" has no installable file on its page /simple/${page.name}/`);
      byName.set(page.name, page.files);
    }
    candidates = options.named!.map((name) => ({ name, files: byName.get(name)! }));
  } else {
    candidates = [];
  }

  // Every listed project's page (up to maxPages, evenly sampled beyond) for the file count and the candidates.
  const toRead = evenSample(listed.length, maxPages).map((i) => listed[i]).filter((name) => !byName.has(name));
  if (listed.length > maxPages) notices.push(`the index lists ${listed.length} projects: read ${maxPages} of their pages (evenly spaced in the list); the file count is estimated from them`);
  const pages = await mapLimited(toRead, concurrency, readPage);
  const missing: string[] = [];
  for (const page of pages) {
    if (page.files === null) missing.push(page.name);
    else byName.set(page.name, page.files);
  }
  if (missing.length > 0) {
    notices.push(`${missing.length} listed project${missing.length === 1 ? ' has' : 's have'} no page on the index (first: ${missing[0]}); not installed`);
  }
  if (!named) {
    candidates = toRead.filter((name) => byName.has(name) && installableFiles(byName.get(name)!).length > 0).map((name) => ({ name, files: byName.get(name)! }));
    const without = toRead.filter((name) => byName.has(name)).length - candidates.length;
    if (without > 0) notices.push(`${without} listed project${without === 1 ? ' has' : 's have'} no installable file; not installed`);
    if (candidates.length === 0) throw new UserError(`none of the ${listed.length} projects listed on ${shown} has an installable file on its page`);
  }

  // Sizes: the pages' own (JSON), else a HEAD per file, candidates' files first, bounded.
  const allFiles = [...candidates.flatMap((c) => c.files), ...[...byName.entries()].filter(([name]) => !candidates.some((c) => c.name === name)).flatMap(([, files]) => files)];
  const fromPages = allFiles.filter((file) => file.bytes !== null).length;
  const unsized = allFiles.filter((file) => file.bytes === null).slice(0, options.maxHeads ?? 2000);
  let fromHeads = 0;
  await mapLimited(unsized, concurrency, async (file) => {
    const response = await client.fetch(new URL(file.url), 'HEAD', options.fileHeaders);
    if (response.status === 200 && response.contentLength !== undefined) {
      file.bytes = response.contentLength;
      fromHeads += 1;
    }
  });
  const sized = allFiles.filter((file) => file.bytes !== null);
  const sizeSource = fromPages > 0 && fromHeads > 0 ? 'json-size and head-content-length' : fromPages > 0 ? 'json-size' : fromHeads > 0 ? 'head-content-length' : 'none';

  const pagesRead = byName.size;
  const filesOnPagesRead = [...byName.values()].reduce((sum, files) => sum + files.length, 0);
  const everyPage = listed.length <= maxPages && listed.every((name) => byName.has(name) || missing.includes(name));
  const files = everyPage ? filesOnPagesRead : Math.round((filesOnPagesRead / Math.max(1, pagesRead)) * Math.max(listed.length, pagesRead));
  return {
    index: shown,
    format,
    listedProjects: listed.length,
    candidates,
    named,
    pagesRead,
    filesOnPagesRead,
    files,
    filesEstimated: !everyPage,
    sizedFiles: sized.length,
    sizeSource,
    meanFileBytes: sized.length > 0 ? sized.reduce((sum, file) => sum + file.bytes!, 0) / sized.length : null,
    notices,
    requests: client.requests,
  };
}

/**
 * The repository a run installed from, in the scenario's shape, for the model:
 * `projects` as listed, `files` the index's file count (every walk covers all
 * of them), `versionsPerProject` the files on the page of an installed project
 * (what a /simple/<project>/ page hashes: the mean over candidates, weighted
 * like the pick), `wheelBytes` the mean file size (the scenario's when no
 * size could be learnt), the scenario's version rule.
 */
export function discoveredRepository(discovery: Discovery, pick: ProjectPick, scenarioRepository: Repository): Repository {
  const counts = discovery.candidates.map((c) => c.files.length);
  const total = counts.reduce((a, b) => a + b, 0);
  const perPage = pick === 'weighted' ? counts.reduce((sum, n) => sum + n * n, 0) / total : total / counts.length;
  return {
    projects: Math.max(1, discovery.listedProjects),
    versionsPerProject: Math.max(1, perPage),
    wheelBytes: discovery.meanFileBytes !== null && discovery.meanFileBytes > 0 ? discovery.meanFileBytes : scenarioRepository.wheelBytes,
    versionPick: scenarioRepository.versionPick,
    files: Math.max(discovery.files, total),
  };
}

/** What summary.json records of the discovery (bounded: the first 2,000 candidates). */
export function discoveryRecord(discovery: Discovery, pick: ProjectPick) {
  return {
    index: discovery.index,
    format: discovery.format,
    listed_projects: discovery.listedProjects,
    named_projects: discovery.named,
    pick,
    candidates: discovery.candidates.length,
    pages_read: discovery.pagesRead,
    files: discovery.files,
    files_estimated: discovery.filesEstimated,
    sized_files: discovery.sizedFiles,
    size_source: discovery.sizeSource,
    mean_file_bytes: discovery.meanFileBytes,
    notices: discovery.notices,
    requests: discovery.requests,
    projects: discovery.candidates.slice(0, 2000).map((c) => ({
      name: c.name,
      files: c.files.length,
      bytes: c.files.every((f) => f.bytes !== null) ? c.files.reduce((sum, f) => sum + f.bytes!, 0) : null,
    })),
  };
}

export type DiscoveryRecord = ReturnType<typeof discoveryRecord>;
