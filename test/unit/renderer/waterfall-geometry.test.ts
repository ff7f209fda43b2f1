import { describe, expect, it } from 'vitest';
import { computeBarGeometry } from '../../../src/renderer/lib/waterfall-geometry';

const axis = { startUs: 1_000_000, endUs: 2_000_000 };

describe('computeBarGeometry', () => {
  const cases: [string, { startUs: number; endUs: number | null }, { leftPct: number; widthPct: number; isOpenEnded: boolean; labelSide: string }][] = [
    ['whole axis labels inside', { startUs: 1_000_000, endUs: 2_000_000 }, { leftPct: 0, widthPct: 100, isOpenEnded: false, labelSide: 'inside' }],
    ['first quarter', { startUs: 1_000_000, endUs: 1_250_000 }, { leftPct: 0, widthPct: 25, isOpenEnded: false, labelSide: 'right' }],
    ['middle', { startUs: 1_400_000, endUs: 1_500_000 }, { leftPct: 40, widthPct: 10, isOpenEnded: false, labelSide: 'right' }],
    ['near the end labels on the left', { startUs: 1_800_000, endUs: 1_900_000 }, { leftPct: 80, widthPct: 10, isOpenEnded: false, labelSide: 'left' }],
    ['instant span keeps a minimum width', { startUs: 1_500_000, endUs: 1_500_000 }, { leftPct: 50, widthPct: 0.15, isOpenEnded: false, labelSide: 'right' }],
    ['open-ended runs to the right edge', { startUs: 1_500_000, endUs: null }, { leftPct: 50, widthPct: 50, isOpenEnded: true, labelSide: 'inside' }],
    ['before the axis is clamped', { startUs: 500_000, endUs: 1_100_000 }, { leftPct: 0, widthPct: 10, isOpenEnded: false, labelSide: 'right' }],
    ['instant at the very end stays inside', { startUs: 2_000_000, endUs: 2_000_000 }, { leftPct: 99.85, widthPct: 0.15, isOpenEnded: false, labelSide: 'left' }],
  ];
  it.each(cases)('%s', (_name, span, expected) => {
    const g = computeBarGeometry(span, axis);
    expect(g.leftPct).toBeCloseTo(expected.leftPct, 6);
    expect(g.widthPct).toBeCloseTo(expected.widthPct, 6);
    expect(g.isOpenEnded).toBe(expected.isOpenEnded);
    expect(g.labelSide).toBe(expected.labelSide);
  });

  it('marks spans wholly outside the axis', () => {
    expect(computeBarGeometry({ startUs: 100, endUs: 200 }, axis).isOutside).toBe(true);
    expect(computeBarGeometry({ startUs: 2_500_000, endUs: null }, axis).isOutside).toBe(true);
    expect(computeBarGeometry({ startUs: 100, endUs: null }, axis).isOutside).toBe(false);
    expect(computeBarGeometry({ startUs: 1_500_000, endUs: 1_600_000 }, axis).isOutside).toBe(false);
  });

  it('treats a zero-length axis as one microsecond', () => {
    const g = computeBarGeometry({ startUs: 5, endUs: 5 }, { startUs: 5, endUs: 5 });
    expect(g.leftPct).toBe(0);
    expect(g.widthPct).toBeGreaterThan(0);
  });
});
