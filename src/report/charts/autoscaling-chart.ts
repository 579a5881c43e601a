/**
 * Service autoscaling: desired and running task counts over time (steps),
 * with each scaling event marked, so a reader sees how long capacity lagged
 * the policy's decision (start delay, health checks, instances booting).
 */
import type { BurstWindow } from '../timeline-bins.js';
import { CHART_HEIGHT, CHART_WIDTH, COLORS, burstLayer, chartSpec, type Chart } from './chart.js';

export interface TaskCountSample {
  timeS: number;
  desired: number;
  running: number;
}

export interface ScalingEvent {
  timeS: number;
  action: string;
}

const SERIES = [
  { key: 'desired', name: 'desired tasks', color: COLORS.predicted },
  { key: 'running', name: 'running tasks', color: COLORS.responses },
] as const;

export function autoscalingChart(id: string, tasks: TaskCountSample[], events: ScalingEvent[], bursts: BurstWindow[]): Chart | null {
  if (tasks.length === 0) return null;
  const rows = tasks.flatMap((s) => SERIES.map((series) => ({ t: s.timeS, series: series.name, tasks: s[series.key] })));
  const end = Math.max(...tasks.map((s) => s.timeS), ...events.map((e) => e.timeS), 1);
  const title = 'Autoscaling: desired and running tasks';
  const layers: Record<string, unknown>[] = burstLayer(bursts);
  layers.push({
    data: { values: rows },
    mark: { type: 'line', interpolate: 'step-after', strokeWidth: 2 },
    encoding: {
      x: { field: 't', type: 'quantitative', title: 'time since the run started (s)', scale: { domain: [0, end], nice: false } },
      y: { field: 'tasks', type: 'quantitative', title: 'ECS tasks', axis: { tickMinStep: 1, format: 'd' } },
      color: { field: 'series', type: 'nominal', title: null, scale: { domain: SERIES.map((s) => s.name), range: SERIES.map((s) => s.color) } },
    },
  });
  if (events.length > 0) {
    layers.push(
      { data: { values: events }, mark: { type: 'rule', color: COLORS.slo, strokeDash: [3, 3] }, encoding: { x: { field: 'timeS', type: 'quantitative' } } },
      {
        data: { values: events },
        mark: { type: 'text', angle: 270, align: 'right', baseline: 'bottom', dy: -2, fontSize: 11, color: COLORS.slo },
        encoding: { x: { field: 'timeS', type: 'quantitative' }, y: { value: 0 }, text: { field: 'action' } },
      },
    );
  }
  return {
    id,
    title,
    caption: 'Dotted lines are the policy\'s scaling events; the gap between the desired and the running line is capacity decided but not yet serving.',
    spec: chartSpec(title, { width: CHART_WIDTH, height: CHART_HEIGHT, layer: layers }),
  };
}
