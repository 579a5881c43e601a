// The chart and page library on hand-built data: exact binning, the text timeline, every chart's SVG has
// data marks (and none is drawn without data), ids stay unique on a page, the page is self-contained and
// deterministic, CSV quoting.
import { describe, expect, it } from 'vitest';
import { autoscalingChart } from '../../src/report/charts/autoscaling-chart.js';
import { compareChart } from '../../src/report/charts/compare-chart.js';
import { instanceSeriesChart } from '../../src/report/charts/instance-series-chart.js';
import { latencyCdfChart } from '../../src/report/charts/latency-cdf-chart.js';
import { planChart } from '../../src/report/charts/plan-chart.js';
import { prefixSvgIds, renderChart } from '../../src/report/charts/render-svg.js';
import { shareChart } from '../../src/report/charts/share-chart.js';
import { timelineChart } from '../../src/report/charts/timeline-chart.js';
import type { Chart } from '../../src/report/charts/chart.js';
import { toCsv } from '../../src/report/csv/csv.js';
import { renderPage, CONTENT_SECURITY_POLICY } from '../../src/report/page/page.js';
import { binSecondsFor, binTimeline, type TimelinePoint } from '../../src/report/timeline-bins.js';
import { renderTimelineText } from '../../src/report/timeline-text.js';
import { compactDistribution, DISTRIBUTION_GRID } from '../../src/sim/stats/distribution.js';

const points: TimelinePoint[] = Array.from({ length: 35 }, (_, t) => ({ t, requests: t < 5 ? 100 : 1, responses: t < 5 ? 50 : 1, errors: t === 3 ? 7 : 0 }));
const bursts = [{ startS: 0, endS: 12.5 }];

/** Data marks of a rendered SVG: elements inside vega's role-mark groups, with geometry. */
function dataMarks(svg: string): number {
  let count = 0;
  for (const group of svg.matchAll(/<g class="mark-\w+ role-mark[^"]*"[^>]*>([\s\S]*?)<\/g>/g)) {
    count += [...group[1].matchAll(/<(path|line|text|rect|circle)\b[^>]*?(d="M[^"]+"|x2=|>[^<]+<\/text)/g)].length;
  }
  return count;
}

describe('timeline bins', () => {
  it('sums seconds into 10-s bins from 0, marks bins that overlap a burst, keeps empty bins', () => {
    const bins = binTimeline(points, bursts, 10);
    expect(bins.map((b) => [b.t, b.requests, b.responses, b.errors, b.burst])).toEqual([
      [0, 505, 255, 7, true],
      [10, 10, 10, 0, true],
      [20, 10, 10, 0, false],
      [30, 5, 5, 0, false],
    ]);
    expect(binTimeline([{ t: 25, requests: 1, responses: 0, errors: 1 }], [], 10).map((b) => b.requests)).toEqual([0, 0, 1]);
  });

  it('bins per 10 s, per minute once a run is over an hour, per second up to two minutes', () => {
    expect(binSecondsFor(120)).toBe(1);
    expect(binSecondsFor(121)).toBe(10);
    expect(binSecondsFor(3600)).toBe(10);
    expect(binSecondsFor(3601)).toBe(60);
  });

  it('prints a compact per-10-s table with the bursts marked and a bar of requests', () => {
    const long = Array.from({ length: 125 }, (_, t) => ({ t, requests: t < 5 ? 100 : t >= 60 && t < 62 ? 60 : 1, responses: t < 5 ? 50 : 1, errors: t === 3 ? 7 : 0 }));
    expect(renderTimelineText({ label: 'x', points: long, bursts: [...bursts, { startS: 60, endS: 65 }] }, 'replication 1').split('\n')).toEqual([
      'timeline (replication 1), HTTP requests per 10 s:',
      '       t (s)  requests  responses  errors  requests',
      '-----  -----  --------  ---------  ------  ------------------------',
      'burst      0       505        255       7  ########################',
      'burst     10        10         10       0',
      '          20        10         10       0',
      '          30        10         10       0',
      '          40        10         10       0',
      '          50        10         10       0',
      'burst     60       128         10       0  ######',
      '          70        10         10       0',
      '          80        10         10       0',
      '          90        10         10       0',
      '         100        10         10       0',
      '         110        10         10       0',
      '         120         5          5       0',
    ]);
    expect(renderTimelineText({ label: 'x', points: points.slice(0, 3), bursts: [] }, 'measured').split('\n')[0]).toBe('timeline (measured), HTTP requests per second (no bursts recorded):');
  });
});

describe('compact latency distribution', () => {
  it('holds the seed tool percentiles at a fixed grid, P50/P95/P99 exactly', () => {
    const samples = Array.from({ length: 1000 }, (_, i) => 1000 - i);
    const d = compactDistribution(samples)!;
    expect(d.count).toBe(1000);
    expect(d.p).toEqual([...DISTRIBUTION_GRID]);
    expect(DISTRIBUTION_GRID.length).toBe(119);
    expect(d.values[d.p.indexOf(0.5)]).toBe(501); // sorted[int(0.5 * 1000)] of 1..1000
    expect(d.values[d.p.indexOf(0.95)]).toBe(951);
    expect(d.values[d.p.indexOf(0.99)]).toBe(991);
    expect(d.values.at(-1)).toBe(1000);
    expect(compactDistribution([])).toBeNull();
  });
});

function allCharts(): Chart[] {
  const dist = (scale: number) => compactDistribution(Array.from({ length: 200 }, (_, i) => scale * (1 + i)))!;
  const charts = [
    timelineChart('t1', [{ label: 'predicted', points, bursts }]),
    timelineChart('t2', [{ label: 'predicted', points, bursts }, { label: 'measured', points, bursts: [] }]),
    latencyCdfChart('c1', [{ label: 'predicted', operations: [{ operation: 'root', ok: dist(1), failed: dist(30) }], marks: { p50: 100, p95: 190, p99: 198 } }]),
    shareChart('s1', 'target', [{ name: 'a', share: 0.8 }, { name: 'b', share: 0.2, ciLow: 0.1, ciHigh: 0.3 }], 'burst'),
    instanceSeriesChart('i1', [0, 1, 2].map((t) => ({ instance: 'host', t, cpu: 0.5, iowait: 0.1, memAvailableMb: 900 })), bursts, 'per-burst'),
    autoscalingChart('a1', [{ timeS: 0, desired: 2, running: 2 }, { timeS: 60, desired: 4, running: 2 }, { timeS: 120, desired: 4, running: 4 }], [{ timeS: 60, action: 'scale-out' }], bursts),
    compareChart('m1', [
      { metric: 'error rate', unit: 'points', predicted: 0.01, measured: 0.02, relativeError: -0.5, difference: -1 },
      { metric: 'P95', unit: 'ms', predicted: 1100, measured: 1000, relativeError: 0.1, difference: 100 },
    ]),
    planChart('p1', [{ id: 'x', costPerMonthUsd: 10, p95Ms: 100, errorRate: 0, status: 'meets' }, { id: 'y', costPerMonthUsd: 5, p95Ms: 900, errorRate: 0.5, status: 'dropped' }], ['x'], 'x', { errorRate: 0.01, p95Ms: 500 }),
  ];
  return charts.map((c) => {
    if (!c) throw new Error('a chart with data returned null');
    return c;
  });
}

describe('charts', () => {
  it('each chart with data renders an SVG with data marks, a title, axis titles with units and a caption, and no Vega-Lite warning', async () => {
    for (const chart of allCharts()) {
      const rendered = await renderChart(chart);
      expect(rendered.warnings, chart.id).toEqual([]);
      expect(dataMarks(rendered.svg), chart.id).toBeGreaterThan(0);
      expect(rendered.svg).toMatch(/^<svg [^>]*role="img"[^>]*aria-label="[^"]+"[^>]*data-chart="/);
      expect(rendered.svg.slice(0, rendered.svg.indexOf('>'))).not.toMatch(/\s(width|height)="/);
      expect(rendered.svg).toContain(chart.title.replace(/&/g, '&amp;'));
      expect(chart.caption.length).toBeGreaterThan(30);
      expect(chart.caption).not.toContain('\n');
    }
  });

  it('a chart without its data is not drawn', () => {
    expect(timelineChart('t', [{ label: 'x', points: [], bursts: [] }])).toBeNull();
    expect(latencyCdfChart('c', [{ label: 'x', operations: [{ operation: 'root', ok: null, failed: null }], marks: { p50: null, p95: null, p99: null } }])).toBeNull();
    expect(shareChart('s', 'instance', [], 'burst')).toBeNull();
    expect(instanceSeriesChart('i', [{ instance: 'h', t: 0, cpu: null, iowait: null, memAvailableMb: null }], [], 'per-second')).toBeNull();
    expect(autoscalingChart('a', [], [], [])).toBeNull();
    expect(compareChart('m', [{ metric: 'P95', unit: 'ms', predicted: 1, measured: null, relativeError: null, difference: null }])).toBeNull();
    expect(planChart('p', [], [], null, { errorRate: 0.01, p95Ms: 1 })).toBeNull();
  });

  it('renames every id (and every reference to it) under the chart id, numbered in order of appearance', () => {
    const svg = '<svg><defs><clipPath id="clip17"><rect/></clipPath><linearGradient id="gradient_3"/></defs><g clip-path="url(#clip17)" fill="url(#other)"><use href="#clip17"/></g></svg>';
    expect(prefixSvgIds(svg, 'c7')).toBe(
      '<svg><defs><clipPath id="c7-clip-1"><rect/></clipPath><linearGradient id="c7-gradient_-2"/></defs><g clip-path="url(#c7-clip-1)" fill="url(#other)"><use href="#c7-clip-1"/></g></svg>',
    );
  });
});

describe('the page', () => {
  it('is self-contained (a CSP that forbids loading anything, no script, no external reference), unique ids, and the same bytes every time', async () => {
    const page = {
      title: 'A & B',
      subtitle: 'capsim predict --x "<y>"',
      sections: [{ id: 'section-1', title: 'Section', meta: ['one'], notices: ['careful'], verdicts: [{ title: 'Thresholds', lines: [{ ok: false, text: 'p95<1', detail: 'p95 = 3 ms' }] }], tables: [{ header: ['a', 'b'], rows: [['x', '1']] }], charts: allCharts() }],
      footer: 'footer',
    };
    const first = await renderPage(page);
    const second = await renderPage(page);
    expect(second.html).toBe(first.html);
    const html = first.html;
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">`);
    expect(CONTENT_SECURITY_POLICY).toMatch(/^default-src 'none';/);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\((?!#)/i);
    expect([...html.matchAll(/\s(?:src|href)="([^"]*)"/g)].map((m) => m[1]).filter((u) => !u.startsWith('#'))).toEqual([]);
    expect(html).toContain('<title>A &amp; B</title>');
    expect(html).toContain('capsim predict --x &quot;&lt;y&gt;&quot;');
    expect(html).toContain('<div class="verdict failed"><strong>Thresholds: 1 of 1 failed</strong>');
    const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
    expect(first.charts).toHaveLength(8);
  });
});

describe('CSV', () => {
  it('quotes fields with commas, quotes or line breaks; empty for null and non-finite', () => {
    expect(toCsv({ header: ['a', 'b,c'], rows: [['x "y"', 1.5], [null, NaN], [true, 'line\nbreak']] })).toBe('a,"b,c"\n"x ""y""",1.5\n,\ntrue,"line\nbreak"\n');
  });
});
