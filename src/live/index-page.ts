/**
 * Reads simple-repository pages the way pip does: PEP 691 JSON
 * (application/vnd.pypi.simple.v1+json) or PEP 503 HTML anchors. A project
 * page gives file links, hrefs resolved against the page URL and the #sha256
 * fragment dropped (pip downloads `link.url.split("#", 1)[0]`); the index page
 * (/simple/) gives the project names.
 */
import { versionOfFile } from './package-names.js';

export interface FileLink {
  fileName: string;
  /** Absolute URL without fragment. */
  url: string;
  version: string | null;
  /** Bytes, when the page says (PEP 700's `size` of a JSON page). */
  size?: number;
}

/** Which of the two simple-repository formats a page is in, from its Content-Type; null for neither. */
export function pageFormat(contentType: string | undefined): 'pep691-json' | 'pep503-html' | null {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'application/vnd.pypi.simple.v1+json' || type === 'application/json') return 'pep691-json';
  if (type === 'text/html' || type === 'application/vnd.pypi.simple.v1+html' || type === 'application/xhtml+xml') return 'pep503-html';
  return null;
}

/** The project names of an index page (/simple/), in the page's order; [] when it lists none. */
export function parseProjectList(body: string, format: 'pep691-json' | 'pep503-html'): string[] {
  if (format === 'pep691-json') {
    const page = JSON.parse(body) as { projects?: Array<{ name?: unknown }> };
    return (page.projects ?? []).map((project) => project.name).filter((name): name is string => typeof name === 'string' && name.length > 0);
  }
  const names: string[] = [];
  const anchor = /<a\s[^>]*>([^<]*)<\/a>/gi;
  for (let match = anchor.exec(body); match !== null; match = anchor.exec(body)) {
    const name = decodeEntities(match[1]).trim();
    if (name) names.push(name);
  }
  return names;
}

function decodeEntities(text: string): string {
  return text
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'");
}

function linkFrom(href: string, pageUrl: string, fallbackName?: string): FileLink | null {
  let url: URL;
  try {
    url = new URL(decodeEntities(href), pageUrl);
  } catch {
    return null;
  }
  url.hash = '';
  const fileName = fallbackName ?? decodeURIComponent(url.pathname.split('/').pop() ?? '');
  if (!fileName) return null;
  return { fileName, url: url.href, version: versionOfFile(fileName) };
}

/** Parses a project page; returns [] when it holds no file links. */
export function parseIndexPage(body: string, contentType: string | undefined, pageUrl: string): FileLink[] {
  const type = (contentType ?? '').toLowerCase();
  if (type.includes('json') || body.trimStart().startsWith('{')) {
    try {
      const page = JSON.parse(body) as { files?: Array<{ filename?: string; url?: string; size?: unknown }> };
      return (page.files ?? [])
        .map((file) => {
          const link = file.url ? linkFrom(file.url, pageUrl, file.filename) : null;
          if (link && typeof file.size === 'number' && Number.isFinite(file.size) && file.size >= 0) link.size = file.size;
          return link;
        })
        .filter((link): link is FileLink => link !== null);
    } catch {
      return [];
    }
  }
  const links: FileLink[] = [];
  const anchor = /<a\s[^>]*href\s*=\s*("([^"]*)"|'([^']*)'|([^\s>]+))[^>]*>/gi;
  for (let match = anchor.exec(body); match !== null; match = anchor.exec(body)) {
    const link = linkFrom(match[2] ?? match[3] ?? match[4], pageUrl);
    if (link) links.push(link);
  }
  return links;
}
