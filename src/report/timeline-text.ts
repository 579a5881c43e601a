/**
 * The human `--timeline`: HTTP requests, responses and errors per 10 s (per
 * minute for runs over an hour, per second for runs of two minutes or less)
 * as a compact table, bursts marked, with a bar of requests per bin so the
 * bursts stand out at a glance.
 */
import { binSecondsFor, binTimeline, timelineSeconds, type LabelledTimeline } from './timeline-bins.js';
import { renderTable } from './table.js';

const BAR_WIDTH = 24;

export function renderTimelineText(timeline: LabelledTimeline, what: string): string {
  if (timeline.points.length === 0) return `timeline (${what}): empty`;
  const width = binSecondsFor(timelineSeconds(timeline.points));
  const bins = binTimeline(timeline.points, timeline.bursts, width);
  const peak = Math.max(1, ...bins.map((b) => b.requests));
  const n = (x: number) => x.toLocaleString('en-US');
  const rows = bins.map((b) => [
    b.burst ? 'burst' : '',
    width === 60 ? `${b.t / 60}` : `${b.t}`,
    n(b.requests),
    n(b.responses),
    n(b.errors),
    '#'.repeat(Math.round((BAR_WIDTH * b.requests) / peak)),
  ]);
  const unit = width === 60 ? 'min' : 's';
  const marked = timeline.bursts.length > 0 ? '' : ' (no bursts recorded)';
  return [
    `timeline (${what}), HTTP requests per ${width === 60 ? 'minute' : width === 1 ? 'second' : '10 s'}${marked}:`,
    renderTable(['', `t (${unit})`, 'requests', 'responses', 'errors', 'requests'], rows, [false, true, true, true, true, false]),
  ].join('\n');
}
