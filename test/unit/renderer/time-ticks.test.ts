import { describe, expect, it } from 'vitest';
import { computeNiceStepUs, computeTimeTicks, formatTickLabel } from '../../../src/renderer/lib/time-ticks';

describe('computeNiceStepUs', () => {
  const cases: [string, number, number][] = [
    ['below one', 0.3, 1],
    ['exact decade', 1000, 1000],
    ['rounds up to 2', 1100, 2000],
    ['rounds up to 5', 2100, 5000],
    ['rounds up to the next decade', 5100, 10_000],
    ['ten seconds', 9_000_000, 10_000_000],
    ['fifteen seconds', 12_000_000, 15_000_000],
    ['thirty seconds', 20_000_000, 30_000_000],
    ['a minute', 45_000_000, 60_000_000],
    ['five minutes', 3 * 60_000_000, 5 * 60_000_000],
    ['an hour', 40 * 60_000_000, 3_600_000_000],
    ['days', 30 * 3_600_000_000, 48 * 3_600_000_000],
  ];
  it.each(cases)('%s', (_name, minStepUs, expected) => {
    expect(computeNiceStepUs(minStepUs)).toBe(expected);
  });
});

describe('formatTickLabel', () => {
  const cases: [string, number, number, string][] = [
    ['zero is plain', 0, 500, '0'],
    ['microseconds', 40, 20, '40 µs'],
    ['whole milliseconds', 250_000, 50_000, '250 ms'],
    ['fractional milliseconds', 1500, 500, '1.5 ms'],
    ['seconds with one decimal', 1_500_000, 500_000, '1.5 s'],
    ['seconds with no decimal', 2_000_000, 1_000_000, '2 s'],
    ['milliseconds for 200 µs steps', 400, 200, '0.4 ms'],
    ['minutes', 120_000_000, 60_000_000, '2m'],
    ['minutes and seconds', 90_000_000, 30_000_000, '1m 30s'],
    ['seconds in minute style for long steps', 30_000_000, 30_000_000, '30s'],
    ['a whole minute for long steps', 60_000_000, 15_000_000, '1m'],
    ['hours', 7_200_000_000, 3_600_000_000, '2h'],
    ['hours and minutes', 3_900_000_000, 300_000_000, '1h 05m'],
  ];
  it.each(cases)('%s', (_name, offsetUs, stepUs, expected) => {
    expect(formatTickLabel(offsetUs, stepUs)).toBe(expected);
  });
});

describe('computeTimeTicks', () => {
  it('puts ticks at nice steps from zero to the range end', () => {
    const { stepUs, ticks } = computeTimeTicks(1_000_000, 5);
    expect(stepUs).toBe(200_000);
    expect(ticks.map((t) => t.label)).toEqual(['0', '0.2 s', '0.4 s', '0.6 s', '0.8 s', '1.0 s']);
    expect(ticks.at(-1)?.fraction).toBe(1);
  });
  it('never exceeds the range', () => {
    const { ticks } = computeTimeTicks(3_400_000, 8);
    expect(ticks.map((t) => t.label)).toEqual(['0', '0.5 s', '1.0 s', '1.5 s', '2.0 s', '2.5 s', '3.0 s']);
    expect(ticks.every((t) => t.fraction <= 1)).toBe(true);
  });
  it('uses milliseconds for sub-second ranges', () => {
    const { ticks } = computeTimeTicks(340_000, 4);
    expect(ticks.map((t) => t.label)).toEqual(['0', '100 ms', '200 ms', '300 ms']);
  });
  it('handles an empty range', () => {
    expect(computeTimeTicks(0).ticks).toEqual([{ offsetUs: 0, fraction: 0, label: '0' }]);
  });
  it('keeps the number of ticks bounded for huge ranges', () => {
    const { ticks } = computeTimeTicks(7 * 24 * 3_600_000_000, 8);
    expect(ticks.length).toBeLessThanOrEqual(9);
  });
});

describe('computeTimeTicks in a zoomed view', () => {
  it('starts at the first step inside the view and labels offsets from the reference', () => {
    const { ticks } = computeTimeTicks(1_000_000, 5, 2_300_000);
    expect(ticks.map((t) => t.label)).toEqual(['2.4 s', '2.6 s', '2.8 s', '3.0 s', '3.2 s']);
    expect(ticks[0].fraction).toBeCloseTo(0.1, 9);
  });
  it('includes a tick exactly at the view start', () => {
    expect(computeTimeTicks(1_000_000, 5, 2_000_000).ticks[0]).toEqual({ offsetUs: 2_000_000, fraction: 0, label: '2.0 s' });
  });
});
