/**
 * The timeline a report shows: HTTP requests sent, responses received and
 * errors (responses >= 400 and requests that got no response: timeouts,
 * connection errors) per second, and the burst windows, as the model and a
 * measured run both record them; binned to 10 s (per minute for runs over an
 * hour, per second for runs of two minutes or less, which 10-s bins would
 * flatten to a few points), like the CloudWatch graph of the incident report.
 */
import type { BurstWindow } from '../model/recorder.js';

export interface TimelinePoint {
  /** Seconds from the run start (start of the second). */
  t: number;
  requests: number;
  responses: number;
  errors: number;
}

/** A burst's start and end (when its last burst finished, or the next iteration started), seconds from the run start. */
export type { BurstWindow };

/** A timeline with where it came from ("predicted", "measured", a run's name). */
export interface LabelledTimeline {
  label: string;
  points: TimelinePoint[];
  bursts: BurstWindow[];
}

export interface TimelineBin extends TimelinePoint {
  /** Bin width, seconds. */
  width: number;
  /** The bin overlaps a burst window. */
  burst: boolean;
}

/** 10 s; 60 s once the run is over an hour long; 1 s for a run of two minutes or less. */
export function binSecondsFor(durationSeconds: number): number {
  if (durationSeconds > 3600) return 60;
  return durationSeconds > 120 ? 10 : 1;
}

/** Last second any point covers (0 for an empty timeline). */
export function timelineSeconds(points: readonly TimelinePoint[]): number {
  return points.length === 0 ? 0 : Math.max(...points.map((p) => p.t)) + 1;
}

/** Sums per-second points into bins of `width` seconds, from 0 to the last point; every bin is present (zeros included). */
export function binTimeline(points: readonly TimelinePoint[], bursts: readonly BurstWindow[], width: number): TimelineBin[] {
  const count = Math.ceil(timelineSeconds(points) / width);
  const bins: TimelineBin[] = Array.from({ length: count }, (_, i) => ({ t: i * width, width, requests: 0, responses: 0, errors: 0, burst: false }));
  for (const p of points) {
    const bin = bins[Math.floor(p.t / width)];
    if (!bin) continue;
    bin.requests += p.requests;
    bin.responses += p.responses;
    bin.errors += p.errors;
  }
  for (const bin of bins) bin.burst = bursts.some((b) => b.startS < bin.t + width && b.endS > bin.t);
  return bins;
}
