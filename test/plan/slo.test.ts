import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { checkSlo, parseErrorRate, validateSlo } from '../../src/plan/slo.js';

describe('SLO', () => {
  it('reads an error rate as a fraction or a percentage', () => {
    expect(parseErrorRate('0.001')).toBe(0.001);
    expect(parseErrorRate('0.1%')).toBeCloseTo(0.001, 15);
    expect(parseErrorRate(' 5 % ')).toBeCloseTo(0.05, 15);
    expect(() => parseErrorRate('abc')).toThrow(UserError);
    expect(() => parseErrorRate('%')).toThrow(/fraction like 0\.001/);
  });

  it('rejects nonsense objectives with one line', () => {
    expect(() => validateSlo({ errorRate: -0.1, p95Ms: 1000 })).toThrow(/--slo-error-rate must be a fraction from 0 to 1/);
    expect(() => validateSlo({ errorRate: 1.5, p95Ms: 1000 })).toThrow(/--slo-error-rate/);
    expect(() => validateSlo({ errorRate: 0.01, p95Ms: 0 })).toThrow(/--slo-p95-ms must be a number of milliseconds > 0/);
    expect(() => validateSlo({ errorRate: 0.01, p95Ms: NaN })).toThrow(/--slo-p95-ms/);
    expect(validateSlo({ errorRate: 0, p95Ms: 1 })).toEqual({ errorRate: 0, p95Ms: 1 });
  });

  it('compares means with the objectives, an unmeasurable P95 missing', () => {
    const slo = { errorRate: 0.001, p95Ms: 15_000 };
    const [e, p] = checkSlo(slo, 0.002, 15_000);
    expect(e).toMatchObject({ meets: false, ratio: 2 });
    expect(e.excess).toBeCloseTo(0.001, 15);
    expect(p).toMatchObject({ meets: true, excess: 0, ratio: 1 });
    expect(checkSlo(slo, 0, NaN)[1]).toMatchObject({ meets: false, excess: Infinity });
    expect(checkSlo({ errorRate: 0, p95Ms: 1 }, 0.01, 1)[0]).toMatchObject({ meets: false, ratio: Infinity });
    expect(checkSlo({ errorRate: 0, p95Ms: 1 }, 0, 1)[0]).toMatchObject({ meets: true, ratio: 0 });
  });
});
