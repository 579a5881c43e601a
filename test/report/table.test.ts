import { describe, expect, it } from 'vitest';
import { renderTable } from '../../src/report/table.js';

describe('renderTable (cli-table3)', () => {
  const header = ['sizing', 'USD/month'];
  const rows = [['2 x c6a.xlarge, 12 tasks x 4 gevent workers', '272.72'], ['1 x t3.small', '15.18']];

  it('a header, a dashed rule and aligned columns two spaces apart, without a width limit', () => {
    expect(renderTable(header, rows, [false, true], Infinity)).toBe(
      [
        'sizing                                       USD/month',
        '-------------------------------------------  ---------',
        '2 x c6a.xlarge, 12 tasks x 4 gevent workers     272.72',
        '1 x t3.small                                     15.18',
      ].join('\n'),
    );
  });

  it('fits a terminal width by wrapping the widest column inside itself', () => {
    const text = renderTable(header, rows, [false, true], 32);
    for (const line of text.split('\n')) expect(line.length).toBeLessThanOrEqual(32);
    expect(text.replace(/\s+/g, ' ')).toContain('272.72');
    expect(text.split('\n').length).toBeGreaterThan(4);
  });
});
