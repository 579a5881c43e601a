/**
 * Per-instance CPU, iowait and available memory over time: the model's
 * per-second instance metrics, or what the diagnostics (mpstat, free) saw
 * during each burst. One panel per quantity that has data, one line per
 * instance, bursts shaded.
 */
import type { BurstWindow } from '../timeline-bins.js';
import { CHART_WIDTH, burstLayer, chartSpec, type Chart } from './chart.js';

export interface InstanceSample {
  instance: string;
  /** Seconds from the run start. */
  t: number;
  /** Busy CPU (user + system), fraction of the instance's vCPUs. */
  cpu: number | null;
  /** iowait, fraction of CPU time. */
  iowait: number | null;
  memAvailableMb: number | null;
}

const PANELS = [
  { key: 'cpu', title: 'CPU busy (%)', format: '%', domain: [0, 1] },
  { key: 'iowait', title: 'iowait (%)', format: '%', domain: [0, 1] },
  { key: 'memAvailableMb', title: 'memory available (MB)', format: ',d', domain: undefined },
] as const;

export function instanceSeriesChart(id: string, samples: InstanceSample[], bursts: BurstWindow[], sampled: 'per-second' | 'per-burst'): Chart | null {
  const panels = PANELS.filter((panel) => samples.some((s) => s[panel.key] !== null));
  if (panels.length === 0) return null;
  const end = Math.max(...samples.map((s) => s.t), ...bursts.map((b) => b.endS), 1);
  const instances = [...new Set(samples.map((s) => s.instance))];
  const title = 'CPU, iowait and available memory per instance';
  const panelSpecs = panels.map((panel, i) => {
    const layer: Record<string, unknown>[] = burstLayer(bursts);
    layer.push({
      data: { values: samples.filter((s) => s[panel.key] !== null).map((s) => ({ instance: s.instance, t: s.t, value: s[panel.key] })) },
      mark: { type: 'line', point: sampled === 'per-burst', strokeWidth: 1.5, interpolate: 'linear' },
      encoding: {
        x: {
          field: 't',
          type: 'quantitative',
          scale: { domain: [0, end], nice: false },
          title: i === panels.length - 1 ? 'time since the run started (s)' : null,
          axis: i === panels.length - 1 ? {} : { labels: false, ticks: true },
        },
        y: { field: 'value', type: 'quantitative', title: panel.title, axis: { format: panel.format }, ...(panel.domain ? { scale: { domain: panel.domain } } : {}) },
        color: { field: 'instance', type: 'nominal', title: 'instance', scale: { domain: instances } },
      },
    });
    return { width: CHART_WIDTH, height: 110, layer };
  });
  return {
    id,
    title,
    caption:
      (sampled === 'per-burst' ? 'Points are what the diagnostics measured during each burst (window averages). ' : '') +
      'One instance pinned at 100 % while another idles is an uneven spread; iowait or falling memory point at swap and storage, not CPU.',
    spec: chartSpec(title, { vconcat: panelSpecs, spacing: 8, resolve: { scale: { color: 'shared' } } }),
  };
}
