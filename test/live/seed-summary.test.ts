import { describe, expect, it } from 'vitest';
import {
  operationStats,
  seedLatencyStats,
  seedPercentile,
  summarizeSeedRun,
  type OperationOutcome,
} from '../../src/live/seed-summary.js';

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('seedPercentile (sorted[int(q n)])', () => {
  it('picks the element at floor(q n), like Python int()', () => {
    // n = 5: int(0.5*5)=2, int(0.95*5)=4, int(0.99*5)=4
    expect(seedPercentile([10, 20, 30, 40, 50], 0.5)).toBe(30);
    expect(seedPercentile([10, 20, 30, 40, 50], 0.95)).toBe(50);
    // n = 20: int(0.95*20) = 19 (0.95*20 is exactly 19.0 in IEEE doubles, as in Python)
    expect(seedPercentile(range(1, 20), 0.95)).toBe(20);
    expect(seedPercentile(range(1, 20), 0.5)).toBe(11);
    // n = 100: index 95 holds 96, index 99 holds 100, index 50 holds 51
    expect(seedPercentile(range(1, 100), 0.95)).toBe(96);
    expect(seedPercentile(range(1, 100), 0.99)).toBe(100);
    expect(seedPercentile(range(1, 100), 0.5)).toBe(51);
    // n = 1: every percentile is the single value
    expect(seedPercentile([7], 0.99)).toBe(7);
    expect(seedPercentile([], 0.95)).toBeNull();
  });
});

describe('seedLatencyStats', () => {
  it('sorts before picking and averages all values', () => {
    expect(seedLatencyStats([50, 10, 40, 20, 30])).toEqual({
      latency_min: 10,
      latency_max: 50,
      latency_mean: 30,
      latency_median: 30,
      latency_p95: 50,
      latency_p99: 50,
    });
  });
  it('is null without values', () => {
    expect(seedLatencyStats([]).latency_p95).toBeNull();
  });
});

describe('operationStats', () => {
  it('takes latencies over successful operations only', () => {
    const outcomes: OperationOutcome[] = [
      { operation: 'root', latencyMs: 100, ok: true, status: 200 },
      { operation: 'root', latencyMs: 30000, ok: false, errorClass: 'timeout' },
      { operation: 'root', latencyMs: 300, ok: true, status: 200 },
      { operation: 'root', latencyMs: 5, ok: false, status: 503, errorClass: 'http_status' },
    ];
    const stats = operationStats(outcomes);
    expect(stats.total_requests).toBe(4);
    expect(stats.successful_requests).toBe(2);
    expect(stats.failed_requests).toBe(2);
    expect(stats.error_rate).toBe(0.5);
    expect(stats.latency_min).toBe(100);
    expect(stats.latency_max).toBe(300);
    expect(stats.latency_mean).toBe(200);
    // n = 2: int(0.5*2)=1 -> 300; int(0.95*2)=1 -> 300
    expect(stats.latency_median).toBe(300);
    expect(stats.latency_p95).toBe(300);
  });
});

describe('summarizeSeedRun', () => {
  const outcomes: OperationOutcome[] = [
    { operation: 'root', latencyMs: 40, ok: true, status: 200, endMs: Date.UTC(2025, 0, 1, 10, 30, 1) },
    { operation: 'simple', latencyMs: 20, ok: true, status: 200 },
    { operation: 'download', latencyMs: 10, ok: true, status: 200 },
    { operation: 'root', latencyMs: 15000, ok: false, errorClass: 'timeout', error: 'timed out after 15 s', path: '/pkg-001/' },
    { operation: 'simple', latencyMs: 9, ok: false, status: 503, errorClass: 'http_status', endMs: Date.UTC(2025, 0, 1, 10, 30, 2) },
    { operation: 'download', latencyMs: 3, ok: false, status: 404, errorClass: 'http_status' },
    { operation: 'download', latencyMs: 30, ok: true, status: 200 },
  ];
  const start = Date.UTC(2025, 0, 1, 10, 30, 0);
  const summary = summarizeSeedRun({ profile: 'production-incident', startMs: start, endMs: start + 3500, outcomes, maxErrorSamples: 2 });

  it('counts operations, failures and the error rate as a fraction', () => {
    expect(summary.profile).toBe('production-incident');
    expect(summary.start_time).toBe('2025-01-01T10:30:00.000Z');
    expect(summary.end_time).toBe('2025-01-01T10:30:03.500Z');
    expect(summary.duration_seconds).toBe(3.5);
    expect(summary.total_requests).toBe(7);
    expect(summary.successful_requests).toBe(4);
    expect(summary.failed_requests).toBe(3);
    expect(summary.error_rate).toBeCloseTo(3 / 7, 12);
    expect(summary.requests_per_second).toBe(2);
  });

  it('computes latency statistics over the 4 successes (10, 20, 30, 40 ms)', () => {
    expect(summary.latency_min).toBe(10);
    expect(summary.latency_max).toBe(40);
    expect(summary.latency_mean).toBe(25);
    expect(summary.latency_median).toBe(30); // int(0.5*4) = 2
    expect(summary.latency_p95).toBe(40); // int(0.95*4) = 3
    expect(summary.latency_p99).toBe(40);
  });

  it('counts final statuses and 4xx/5xx', () => {
    expect(summary.status_code_counts).toEqual({ '200': 4, '503': 1, '404': 1 });
    expect(summary.error_5xx_count).toBe(1);
    expect(summary.error_4xx_count).toBe(1);
  });

  it('breaks the figures down per operation', () => {
    expect(Object.keys(summary.operations).sort()).toEqual(['download', 'root', 'simple']);
    expect(summary.operations.download.total_requests).toBe(3);
    expect(summary.operations.download.failed_requests).toBe(1);
    expect(summary.operations.download.latency_p95).toBe(30);
    expect(summary.operations.root.error_rate).toBe(0.5);
  });

  it('keeps the first failures as samples, up to the limit', () => {
    expect(summary.error_samples).toEqual([
      { operation: 'root', status: null, error_class: 'timeout', error: 'timed out after 15 s', path: '/pkg-001/' },
      { operation: 'simple', status: 503, error_class: 'http_status', error: 'HTTP 503', time: '2025-01-01T10:30:02.000Z' },
    ]);
  });
});
