/**
 * What a request asked a package index for, from its method and URL (the
 * routes pypiserver serves at its root, which the clients' flows use):
 *   /<project>/, /<project>      project-root   (pip with the root as index URL: answered 303 to /simple/<project>/)
 *   /simple/<project>/           project-simple (the project's page of file links)
 *   /packages/<file>, any path whose last segment is a distribution file (.whl, .tar.gz, ...)   file
 *   /simple/                     listing        (every project: a walk of the whole repository)
 *   /                            welcome        (pypiserver's front page)
 *   anything else (other methods, /favicon.ico, /<project>/json, uploads)   other
 * Project names are normalized as PEP 503 does (lower case, runs of -_. as one -),
 * so /simple/Foo_Bar/ and foo_bar-1.0-py3-none-any.whl name the same project.
 */

import { detached } from './detached.js';

export type RequestKind = 'project-root' | 'project-simple' | 'file' | 'listing' | 'welcome' | 'other';

export interface RequestTarget {
  kind: RequestKind;
  /** Normalized project name for project-root, project-simple and file; '' otherwise. */
  project: string;
  /** The file name of a download; '' otherwise. */
  file: string;
}

const NONE: RequestTarget = { kind: 'other', project: '', file: '' };

const DISTRIBUTION_FILE = /\.(whl|tar\.gz|tgz|zip|tar\.bz2|tar\.xz|egg)$/i;
/** pypiserver routes that are not projects. */
const RESERVED = new Set(['simple', 'packages', 'favicon.ico', 'health', 'robots.txt']);

/** PEP 503 normalization. */
export function normalizeProject(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/** The distribution name a wheel or sdist file name starts with, normalized; '' when the name is not one. */
export function projectOfFile(fileName: string): string {
  if (/\.whl$/i.test(fileName)) {
    // PEP 427: {distribution}-{version}(-{build})?-{python}-{abi}-{platform}.whl; the distribution has no "-".
    const dash = fileName.indexOf('-');
    return dash > 0 ? normalizeProject(fileName.slice(0, dash)) : '';
  }
  // sdists and eggs: {name}-{version}.tar.gz; the version starts at the last "-" followed by a digit.
  const match = /^(.+?)-(\d[^-]*)(-py\d.*)?\.(tar\.gz|tgz|zip|tar\.bz2|tar\.xz|egg)$/i.exec(fileName);
  return match ? normalizeProject(match[1]) : '';
}

function decodePath(path: string): string {
  if (!path.includes('%')) return path;
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** The path of a request-line URL: "http://host:80/a/b?x=1" -> "/a/b"; an origin-form "/a/b" as is. */
export function urlPath(url: string): string {
  let start = 0;
  const scheme = url.indexOf('://');
  if (scheme > 0 && scheme < 10) {
    const slash = url.indexOf('/', scheme + 3);
    if (slash < 0) return '/';
    start = slash;
  }
  let end = url.length;
  const query = url.indexOf('?', start);
  if (query >= 0) end = query;
  const hash = url.indexOf('#', start);
  if (hash >= 0 && hash < end) end = hash;
  return decodePath(url.slice(start, end)) || '/';
}

/**
 * Classifies requests by method and URL. Project names and file names repeat
 * (a repository has few), so their normalized forms are remembered.
 */
export class RequestClassifier {
  private readonly projects = new Map<string, string>();
  private readonly files = new Map<string, string>();
  private readonly parts: string[] = [];

  classify(method: string, url: string): RequestTarget {
    if (method !== 'GET' && method !== 'HEAD') return NONE;
    const path = urlPath(url);
    const parts = this.parts;
    parts.length = 0;
    for (let i = 1; i < path.length; ) {
      let j = path.indexOf('/', i);
      if (j < 0) j = path.length;
      if (j > i) parts.push(path.slice(i, j));
      i = j + 1;
    }
    if (parts.length === 0) return { kind: 'welcome', project: '', file: '' };
    const last = parts[parts.length - 1];
    if (DISTRIBUTION_FILE.test(last)) {
      let project = this.files.get(last);
      if (project === undefined) {
        project = projectOfFile(last);
        this.files.set(detached(last), project);
      }
      return project ? { kind: 'file', project, file: last } : NONE;
    }
    if (parts[0] === 'simple') {
      if (parts.length === 1) return { kind: 'listing', project: '', file: '' };
      if (parts.length === 2) return { kind: 'project-simple', project: this.project(parts[1]), file: '' };
      return NONE;
    }
    if (parts.length === 1 && !RESERVED.has(parts[0].toLowerCase())) return { kind: 'project-root', project: this.project(parts[0]), file: '' };
    return NONE;
  }

  private project(name: string): string {
    let normalized = this.projects.get(name);
    if (normalized === undefined) {
      normalized = detached(normalizeProject(name));
      this.projects.set(detached(name), normalized);
    }
    return normalized;
  }
}
