/**
 * The one module that loads vega and vega-lite: compiles a chart's Vega-Lite
 * specification and renders it to an SVG string in Node (the "none" renderer
 * with `toSVG`, no browser, no canvas, no network: data is always inline).
 *
 * Both libraries are imported on first use, so commands that draw no chart
 * never pay their start-up. The SVG is made safe to inline several times in
 * one page, and the same every time: its element ids (clip paths, gradients,
 * numbered by a process-wide counter in vega) are renumbered in order of
 * appearance under the chart's id, its fixed width/height give way to the
 * viewBox (it scales to the page), and it carries role="img" with the title
 * as its accessible name.
 */
import type { Chart } from './chart.js';

type VegaModule = typeof import('vega');
type VegaLiteModule = typeof import('vega-lite');

let libraries: Promise<{ vega: VegaModule; vegaLite: VegaLiteModule }> | null = null;

function load(): Promise<{ vega: VegaModule; vegaLite: VegaLiteModule }> {
  libraries ??= Promise.all([import('vega'), import('vega-lite')]).then(([vega, vegaLite]) => ({ vega, vegaLite }));
  return libraries;
}

export interface RenderedChart {
  chart: Chart;
  svg: string;
  /** Vega-Lite's warnings while compiling (an empty list for a clean specification). */
  warnings: string[];
}

const escapeAttribute = (text: string) => text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** Renames every id of the SVG (and every reference to one) to `prefix-NAME-K`: NAME its letters, K its rank of appearance. */
export function prefixSvgIds(svg: string, prefix: string): string {
  const ids = new Map<string, string>();
  for (const match of svg.matchAll(/\sid="([^"]+)"/g)) {
    if (!ids.has(match[1])) ids.set(match[1], `${prefix}-${match[1].replace(/\d+$/, '') || 'id'}-${ids.size + 1}`);
  }
  if (ids.size === 0) return svg;
  return svg
    .replace(/\sid="([^"]+)"/g, (_, id: string) => ` id="${ids.get(id)}"`)
    .replace(/url\(#([^)]+)\)/g, (whole, id: string) => (ids.has(id) ? `url(#${ids.get(id)})` : whole))
    .replace(/href="#([^"]+)"/g, (whole, id: string) => (ids.has(id) ? `href="#${ids.get(id)}"` : whole));
}

/** Lets the SVG scale with its container: drops the fixed size (the viewBox keeps the aspect ratio), names it for screen readers. */
function responsiveRoot(svg: string, chart: Chart): string {
  return svg.replace(/^<svg([^>]*)>/, (_, attributes: string) => {
    const kept = attributes.replace(/\s(width|height)="[^"]*"/g, '').replace(/\sclass="([^"]*)"/, ' class="$1 chart-svg"');
    return `<svg${kept} role="img" aria-label="${escapeAttribute(chart.title)}" data-chart="${escapeAttribute(chart.id)}">`;
  });
}

/** Renders one chart to an inline-safe SVG string. */
export async function renderChart(chart: Chart): Promise<RenderedChart> {
  const { vega, vegaLite } = await load();
  const warnings: string[] = [];
  const logger = {
    level: () => logger,
    error: (...args: unknown[]) => {
      throw new Error(`chart ${chart.id}: ${args.map(String).join(' ')}`);
    },
    warn: (...args: unknown[]) => {
      warnings.push(args.map(String).join(' '));
      return logger;
    },
    info: () => logger,
    debug: () => logger,
  };
  const compiled = vegaLite.compile(chart.spec, { logger: logger as never }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logLevel: vega.Warn });
  view.logger(logger as never);
  try {
    const svg = await view.toSVG();
    return { chart, svg: responsiveRoot(prefixSvgIds(svg, chart.id), chart), warnings };
  } finally {
    view.finalize();
  }
}

/** Renders charts one after the other (vega's scenegraph work is synchronous: nothing gains from running them at once). */
export async function renderCharts(charts: Chart[]): Promise<RenderedChart[]> {
  const out: RenderedChart[] = [];
  for (const chart of charts) out.push(await renderChart(chart));
  return out;
}
