import { describe, expect, it } from 'vitest';
import {
  computeFraction,
  formatBytes,
  formatCostUsd,
  formatCount,
  formatCountOf,
  formatDateTimeUs,
  formatDurationUs,
  formatTokenPair,
  formatTokens,
} from '../../../src/renderer/lib/format';

describe('formatDurationUs', () => {
  const cases: [string, number | null, string][] = [
    ['null is a dash', null, '—'],
    ['zero', 0, '0 µs'],
    ['microseconds', 12, '12 µs'],
    ['rounds sub-microsecond', 12.4, '12 µs'],
    ['just under a millisecond', 999, '999 µs'],
    ['one millisecond', 1000, '1.00 ms'],
    ['milliseconds, 3 significant digits', 1234, '1.23 ms'],
    ['tens of milliseconds', 12_340, '12.3 ms'],
    ['rounding up to the next decade', 9_996, '10.0 ms'],
    ['hundreds of milliseconds', 340_000, '340 ms'],
    ['999.6 ms becomes seconds', 999_600, '1.00 s'],
    ['seconds', 1_234_567, '1.23 s'],
    ['tens of seconds', 42_100_000, '42.1 s'],
    ['minutes', 125_000_000, '2m 05s'],
    ['hours', 3_725_000_000, '1h 02m'],
    ['negative', -1500, '-1.50 ms'],
  ];
  it.each(cases)('%s', (_name, input, expected) => {
    expect(formatDurationUs(input)).toBe(expected);
  });
});

describe('counts, tokens, cost, bytes', () => {
  const cases: [string, () => string, string][] = [
    ['count with thousands separators', () => formatCount(1234567), '1,234,567'],
    ['count of one is singular', () => formatCountOf(1, 'span'), '1 span'],
    ['count of many is plural', () => formatCountOf(1234, 'span'), '1,234 spans'],
    ['count of zero is plural', () => formatCountOf(0, 'span'), '0 spans'],
    ['tokens below a thousand', () => formatTokens(950), '950'],
    ['tokens in thousands', () => formatTokens(12_345), '12.3k'],
    ['tokens just below a million', () => formatTokens(999_400), '999k'],
    ['tokens in millions', () => formatTokens(2_500_000), '2.50M'],
    ['token pair', () => formatTokenPair(1200, 340), '1.20k / 340'],
    ['token pair of zeros', () => formatTokenPair(0, 0), '—'],
    ['zero cost', () => formatCostUsd(0), '—'],
    ['dollars', () => formatCostUsd(12.345), '$12.35'],
    ['cents', () => formatCostUsd(0.0456), '$0.046'],
    ['fractions of a cent', () => formatCostUsd(0.00123), '$0.0012'],
    ['tiny cost', () => formatCostUsd(0.00001), '<$0.0001'],
    ['bytes', () => formatBytes(512), '512 B'],
    ['kilobytes', () => formatBytes(1536), '1.50 KB'],
    ['megabytes', () => formatBytes(3_000_000), '2.86 MB'],
    ['fraction of nothing', () => String(computeFraction(5, 0)), '0'],
    ['fraction clamps', () => String(computeFraction(15, 10)), '1'],
  ];
  it.each(cases)('%s', (_name, run, expected) => {
    expect(run()).toBe(expected);
  });
});

describe('formatDateTimeUs', () => {
  it('formats local time with zero padding', () => {
    const us = new Date(2025, 2, 4, 9, 5, 7, 890).getTime() * 1000 + 123;
    expect(formatDateTimeUs(us)).toBe('2025-03-04 09:05:07');
  });
  it('shows a dash for null', () => {
    expect(formatDateTimeUs(null)).toBe('—');
  });
});
