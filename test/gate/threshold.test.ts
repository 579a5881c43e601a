import { describe, expect, it } from 'vitest';
import { evaluateCompareGate, parsePointsTolerance, parseRelativeTolerance } from '../../src/gate/compare-gate.js';
import { anyFailed, evaluateThresholds, renderThresholds } from '../../src/gate/evaluate.js';
import { parseThreshold, parseThresholds } from '../../src/gate/threshold.js';
import { UserError } from '../../src/errors.js';
import type { ComparedMetric } from '../../src/report/compare.js';
import type { Figure } from '../../src/report/figures.js';

function parseError(raw: string): UserError {
  try {
    parseThreshold(raw);
  } catch (error) {
    if (error instanceof UserError) return error;
    throw error;
  }
  throw new Error(`"${raw}" parsed`);
}

describe('--threshold parsing (k6 style)', () => {
  it('reads METRIC OP VALUE with the units each metric allows', () => {
    expect(parseThreshold('error_rate<0.01')).toEqual({ source: 'error_rate<0.01', metric: 'error_rate', operator: '<', limit: 0.01 });
    expect(parseThreshold(' error_rate <= 1% ').limit).toBeCloseTo(0.01, 12);
    expect(parseThreshold('p95<15000')).toMatchObject({ metric: 'p95', operator: '<', limit: 15000 });
    expect(parseThreshold('p95<15000ms').limit).toBe(15000);
    expect(parseThreshold('p99 < 20s').limit).toBe(20000);
    expect(parseThreshold('p(95)<200')).toMatchObject({ metric: 'p95', limit: 200 });
    expect(parseThreshold('http_5xx==0')).toMatchObject({ metric: 'http_5xx', operator: '==', limit: 0 });
    expect(parseThreshold('max_target_share<=0.5').operator).toBe('<=');
    expect(parseThreshold('p95_all>=1.5e3').limit).toBe(1500);
    expect(parseThreshold('p50!=3').operator).toBe('!=');
    expect(parseThresholds(undefined)).toEqual([]);
  });

  it('refuses bad thresholds in one line naming the threshold and what was expected', () => {
    const missing = parseError('p95<');
    expect(missing.exitCode).toBe(2);
    expect(missing.message).toMatch(/^--threshold "p95<": no value after the operator; expected METRIC OPERATOR VALUE like 'p95<15000'/);
    expect(missing.message).not.toContain('\n');
    expect(parseError('p95').message).toContain('no comparison operator');
    expect(parseError('').message).toContain('empty');
    expect(parseError('p96<3').message).toContain('unknown metric "p96"');
    expect(parseError('latency<3').message).toContain('metrics: error_rate, p50, p95, p99, p95_all, http_5xx, max_target_share');
    expect(parseError('p95<1%').message).toContain('p95 is not a rate');
    expect(parseError('error_rate<3s').message).toContain('error_rate is not a latency');
    expect(parseError('error_rate<5').message).toContain('a fraction from 0 to 1');
    expect(parseError('p95<fast').message).toContain('"fast" is not a number');
  });
});

const figures: Figure[] = [
  { metric: 'error_rate', label: 'error rate', unit: 'fraction', value: 0.0005, ciLow: 0.0003, ciHigh: 0.0008 },
  { metric: 'p95', label: 'P95', unit: 'ms', value: 13138 },
  { metric: 'p99', label: 'P99', unit: 'ms', value: null },
  { metric: 'http_5xx', label: '5xx', unit: 'count', value: 3 },
];

describe('threshold evaluation', () => {
  it('passes and fails by the operator, and fails a metric the result does not have', () => {
    const results = evaluateThresholds(parseThresholds(['error_rate<0.1%', 'p95<13138', 'p95<=13138', 'p99<20000', 'http_5xx==3', 'max_target_share<0.5']), figures);
    expect(results.map((r) => r.ok)).toEqual([true, false, true, false, true, false]);
    expect(results[3]).toMatchObject({ value: null, note: 'not measured' });
    expect(results[5]).toMatchObject({ unit: 'fraction', note: 'not measured' });
    expect(anyFailed(results)).toBe(true);
    expect(anyFailed(results.filter((r) => r.ok))).toBe(false);
  });

  it('prints one marked line per threshold', () => {
    const text = renderThresholds(evaluateThresholds(parseThresholds(['p95<15000', 'p95<1']), figures), 'measured');
    expect(text.split('\n')).toEqual(['thresholds (measured): 1 of 2 FAILED', '  ✓ pass  p95<15000  p95 = 13,138 ms', '  ✗ FAIL  p95<1      p95 = 13,138 ms']);
  });
});

describe('compare tolerances', () => {
  const metric = (name: string, unit: string, predicted: number | null, measured: number | null): ComparedMetric => ({
    metric: name,
    unit,
    predicted,
    measured,
    relativeError: predicted !== null && measured !== null && measured !== 0 ? (predicted - measured) / measured : null,
    difference: predicted !== null && measured !== null ? (predicted - measured) * (unit === 'points' ? 100 : 1) : null,
  });
  const metrics = [
    metric('error rate', 'points', 0.01, 0.035),
    metric('P50', 'ms', 1100, 1000),
    metric('P95', 'ms', 1300, 1000),
    metric('P99', 'ms', 2000, null),
    metric('operations', '', 0, 0),
    metric('root mean', 'ms', null, null),
  ];

  it('parses percentages, fractions and points; refuses the rest in one line', () => {
    expect(parseRelativeTolerance('25%')).toBe(0.25);
    expect(parseRelativeTolerance('0.25')).toBe(0.25);
    expect(parsePointsTolerance('2')).toBe(2);
    expect(parsePointsTolerance('2 points')).toBe(2);
    expect(() => parseRelativeTolerance('%')).toThrow(/--max-relative-error must be a fraction like 0.25 or a percentage like 25%, got "%"/);
    expect(() => parseRelativeTolerance('-5%')).toThrow(UserError);
    expect(() => parsePointsTolerance('two')).toThrow(/--max-error-points must be a number of percentage points/);
  });

  it('bounds the relative error of every metric but the error rate, whose difference is bounded in points', () => {
    const gate = evaluateCompareGate(metrics, { maxRelativeError: 0.25, maxErrorPoints: 2 });
    expect(gate.map((g) => [g.metric, g.ok, g.detail])).toEqual([
      ['error rate', false, '-2.50 points'],
      ['P50', true, '+10.0 %'],
      ['P95', false, '+30.0 %'],
      ['P99', false, 'measured value missing'],
      ['operations', true, 'both 0'],
    ]);
    expect(evaluateCompareGate(metrics, { maxErrorPoints: 3 }).map((g) => g.ok)).toEqual([true]);
    expect(evaluateCompareGate(metrics, {})).toEqual([]);
  });
});
