/**
 * Reads the file links of a simple-repository project page the way pip does:
 * PEP 691 JSON (application/vnd.pypi.simple.v1+json) or PEP 503 HTML anchors,
 * with hrefs resolved against the page URL and the #sha256 fragment dropped
 * (pip downloads `link.url.split("#", 1)[0]`).
 */
import { versionOfFile } from './package-names.js';

export interface FileLink {
  fileName: string;
  /** Absolute URL without fragment. */
  url: string;
  version: string | null;
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
      const page = JSON.parse(body) as { files?: Array<{ filename?: string; url?: string }> };
      return (page.files ?? [])
        .map((file) => (file.url ? linkFrom(file.url, pageUrl, file.filename) : null))
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
