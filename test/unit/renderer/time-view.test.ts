import { describe, expect, it } from 'vitest';
import { clampTimeRange, fitTimeRange, isWholeRange, panTimeRange, zoomTimeRange, type TimeRange } from '../../../src/renderer/lib/time-view';

const bounds: TimeRange = { startUs: 1000, endUs: 2000 };
const r = (startUs: number, endUs: number): TimeRange => ({ startUs, endUs });

describe('time view', () => {
  const cases: [string, () => TimeRange | boolean, TimeRange | boolean][] = [
    ['zoom in around the middle', () => zoomTimeRange(bounds, bounds, 0.5, 0.5), r(1250, 1750)],
    ['zoom in around the left edge keeps the left edge', () => zoomTimeRange(bounds, bounds, 0, 0.5), r(1000, 1500)],
    ['zoom in around the right edge keeps the right edge', () => zoomTimeRange(bounds, bounds, 1, 0.5), r(1500, 2000)],
    ['zoom keeps the anchored instant in place', () => zoomTimeRange(r(1200, 1600), bounds, 0.25, 0.5), r(1250, 1450)],
    ['zoom out stops at the whole session', () => zoomTimeRange(r(1200, 1600), bounds, 0.5, 10), r(1000, 2000)],
    ['zoom in stops at the minimum view', () => zoomTimeRange(r(1500, 1520), bounds, 0.5, 0.01), r(1505, 1515)],
    ['zoom out near an edge slides back inside', () => zoomTimeRange(r(1800, 2000), bounds, 1, 2), r(1600, 2000)],
    ['pan later', () => panTimeRange(r(1200, 1400), bounds, 100), r(1300, 1500)],
    ['pan stops at the end', () => panTimeRange(r(1700, 1900), bounds, 500), r(1800, 2000)],
    ['pan stops at the start', () => panTimeRange(r(1100, 1300), bounds, -500), r(1000, 1200)],
    ['clamp shrinks a view wider than the session', () => clampTimeRange(r(0, 5000), bounds), r(1000, 2000)],
    ['fit a span with padding', () => fitTimeRange(r(1400, 1500), bounds, 0.1), r(1390, 1510)],
    ['fit an instant uses the minimum view', () => fitTimeRange(r(1500, 1500), bounds, 0), r(1500, 1510)],
    ['whole range', () => isWholeRange(bounds, bounds), true],
    ['zoomed range is not whole', () => isWholeRange(r(1000, 1900), bounds), false],
  ];
  it.each(cases)('%s', (_name, run, expected) => {
    const value = run();
    if (typeof expected === 'boolean') expect(value).toBe(expected);
    else {
      expect((value as TimeRange).startUs).toBeCloseTo(expected.startUs, 6);
      expect((value as TimeRange).endUs).toBeCloseTo(expected.endUs, 6);
    }
  });
});
