/**
 * The report page: one self-contained HTML file. Styles and charts (SVG) are
 * inline, there is no script, and a Content-Security-Policy forbids loading
 * anything at all, so the page reads the same offline, from an artifact
 * store or attached to a ticket. The output depends only on its inputs (no
 * clock), so the same results give the same page, byte for byte.
 */
import { renderCharts, type RenderedChart } from '../charts/render-svg.js';
import type { Chart } from '../charts/chart.js';
import { escapeHtml } from './html.js';
import { REPORT_CSS } from './style.js';

export interface HtmlTable {
  caption?: string;
  header: string[];
  rows: string[][];
  /** Right-aligned (numeric) columns. */
  numeric?: boolean[];
  /** Columns of long text that wrap (the others stay on one line). */
  wrap?: boolean[];
}

export interface VerdictLine {
  ok: boolean;
  text: string;
  detail: string;
}

export interface Verdict {
  title: string;
  lines: VerdictLine[];
  /** Said after the title instead of "all passed" / "N of M failed". */
  summary?: string;
}

export interface PageSection {
  id: string;
  title: string;
  /** Short lines under the title: what was predicted or measured, how. */
  meta: string[];
  /** Things the reader must not miss (a partial run, a forced comparison). */
  notices: string[];
  verdicts: Verdict[];
  tables: HtmlTable[];
  charts: Chart[];
}

export interface ReportPage {
  title: string;
  subtitle: string;
  sections: PageSection[];
  footer: string;
}

export const CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

function tableHtml(t: HtmlTable): string {
  const cls = (i: number) => {
    const names = [t.numeric?.[i] ? 'num' : '', t.wrap?.[i] ? 'wrap' : ''].filter((n) => n !== '');
    return names.length > 0 ? ` class="${names.join(' ')}"` : '';
  };
  const head = t.header.map((h, i) => `<th${cls(i)}>${escapeHtml(h)}</th>`).join('');
  const body = t.rows.map((r) => `<tr>${r.map((c, i) => `<td${cls(i)}>${escapeHtml(c)}</td>`).join('')}</tr>`).join('\n');
  return `<div class="table-wrap"><table>${t.caption ? `<caption>${escapeHtml(t.caption)}</caption>` : ''}<thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div>`;
}

function verdictHtml(v: Verdict): string {
  const failed = v.lines.filter((l) => !l.ok).length;
  const status = failed === 0 ? 'passed' : 'failed';
  const summary = v.summary ?? (failed === 0 ? 'all passed' : `${failed} of ${v.lines.length} failed`);
  const items = v.lines
    .map((l) => `<li class="${l.ok ? 'pass' : 'fail'}"><span class="mark">${l.ok ? '✓ pass' : '✗ FAIL'}</span> <code>${escapeHtml(l.text)}</code> ${escapeHtml(l.detail)}</li>`)
    .join('\n');
  return `<div class="verdict ${status}"><strong>${escapeHtml(v.title)}: ${summary}</strong><ul>\n${items}\n</ul></div>`;
}

function figureHtml(r: RenderedChart): string {
  return `<figure id="${escapeHtml(r.chart.id)}"><div class="chart-scroll">${r.svg}</div><figcaption>${escapeHtml(r.chart.caption)}</figcaption></figure>`;
}

function sectionHtml(s: PageSection, rendered: Map<Chart, RenderedChart>): string {
  const parts = [`<section id="${escapeHtml(s.id)}">`, `<h2>${escapeHtml(s.title)}</h2>`];
  for (const line of s.meta) parts.push(`<p class="meta">${escapeHtml(line)}</p>`);
  for (const notice of s.notices) parts.push(`<p class="notice">${escapeHtml(notice)}</p>`);
  for (const v of s.verdicts) parts.push(verdictHtml(v));
  for (const t of s.tables) parts.push(tableHtml(t));
  for (const c of s.charts) parts.push(figureHtml(rendered.get(c)!));
  parts.push('</section>');
  return parts.join('\n');
}

export interface RenderedPage {
  html: string;
  charts: RenderedChart[];
}

export async function renderPage(page: ReportPage): Promise<RenderedPage> {
  const charts = await renderCharts(page.sections.flatMap((s) => s.charts));
  const rendered = new Map(charts.map((r) => [r.chart, r]));
  const nav =
    page.sections.length > 1
      ? `<nav><ol>${page.sections.map((s) => `<li><a href="#${escapeHtml(s.id)}">${escapeHtml(s.title)}</a></li>`).join('')}</ol></nav>`
      : '';
  const html = [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">`,
    `<title>${escapeHtml(page.title)}</title>`,
    `<style>${REPORT_CSS}</style>`,
    '</head>',
    '<body>',
    `<header><h1>${escapeHtml(page.title)}</h1><p class="meta">${escapeHtml(page.subtitle)}</p></header>`,
    nav,
    ...page.sections.map((s) => sectionHtml(s, rendered)),
    `<footer><p>${escapeHtml(page.footer)}</p></footer>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
  return { html, charts };
}
