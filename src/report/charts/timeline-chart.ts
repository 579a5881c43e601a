/**
 * Requests, responses and errors per 10 s (per minute for runs over an hour),
 * bursts shaded: the CloudWatch graph the incident was read from. Several
 * timelines (predicted and measured) share the axes, told apart by the dash.
 */
import { binSecondsFor, binTimeline, timelineSeconds, type LabelledTimeline } from '../timeline-bins.js';
import { CHART_HEIGHT, CHART_WIDTH, COLORS, burstLayer, chartSpec, type Chart } from './chart.js';

const SERIES = [
  { key: 'requests', name: 'requests sent', color: COLORS.requests },
  { key: 'responses', name: 'responses received', color: COLORS.responses },
  { key: 'errors', name: 'errors', color: COLORS.errors },
] as const;

export function timelineChart(id: string, timelines: LabelledTimeline[]): Chart | null {
  const present = timelines.filter((t) => t.points.length > 0);
  if (present.length === 0) return null;
  const duration = Math.max(...present.map((t) => timelineSeconds(t.points)));
  const width = binSecondsFor(duration);
  const minutes = duration > 3600;
  const unit = minutes ? 'min' : 's';
  const scale = minutes ? 60 : 1;
  const rows: Array<{ t: number; series: string; source: string; count: number }> = [];
  for (const timeline of present) {
    for (const bin of binTimeline(timeline.points, timeline.bursts, width)) {
      for (const s of SERIES) rows.push({ t: (bin.t + width / 2) / scale, series: s.name, source: timeline.label, count: bin[s.key] });
    }
  }
  // Bursts of the first timeline that has any (a comparison applies one load to both sides).
  const bursts = present.find((t) => t.bursts.length > 0)?.bursts ?? [];
  const perBin = minutes ? 'per minute' : width === 1 ? 'per second' : 'per 10 s';
  const title = `HTTP requests, responses and errors ${perBin}`;
  const layers: Record<string, unknown>[] = burstLayer(bursts, scale, width);
  layers.push({
    data: { values: rows },
    // Points too when there are few bins (a line through one point draws nothing); not on overlays, where the dash tells the sources apart.
    mark: { type: 'line', strokeWidth: 2, point: present.length === 1 && Math.ceil(duration / width) < 20 },
    encoding: {
      x: { field: 't', type: 'quantitative', title: `time since the run started (${unit})`, scale: { domain: [0, duration / scale], nice: false } },
      y: { field: 'count', type: 'quantitative', title: `HTTP requests ${perBin}` },
      color: {
        field: 'series',
        type: 'nominal',
        title: null,
        scale: { domain: SERIES.map((s) => s.name), range: SERIES.map((s) => s.color) },
      },
      ...(present.length > 1
        ? { strokeDash: { field: 'source', type: 'nominal', title: null, scale: { domain: present.map((t) => t.label), range: [[1, 0], [6, 3], [2, 2]] } } }
        : {}),
    },
  });
  return {
    id,
    title,
    caption:
      (bursts.length > 0 ? 'Grey bands are bursts. ' : '') +
      'Errors count responses >= 400 and requests that got none (timeouts, refused connections). Responses that stay below requests, and errors that rise, mean the stack is falling behind; responses at zero is the incident\'s picture.' +
      (present.length > 1 ? ` Solid: ${present[0].label}; dashed: ${present[1].label}.` : ''),
    spec: chartSpec(title, { width: CHART_WIDTH, height: CHART_HEIGHT, layer: layers }),
  };
}
