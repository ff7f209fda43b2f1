import { describe, expect, it } from 'vitest';
import { computeFetchWindow, isRangeCovered, pickRow } from '../../../src/renderer/lib/window-range';

const opts = { quantumRows: 50, padRows: 60 };

describe('computeFetchWindow', () => {
  const cases: [string, number, number, { offset: number; limit: number }][] = [
    ['top of the list', 0, 30, { offset: 0, limit: 100 }],
    ['empty visible range still fetches a page', 0, 0, { offset: 0, limit: 100 }],
    ['middle of the list pads both sides', 1000, 1030, { offset: 900, limit: 200 }],
    ['a small scroll moves the wanted window by a quantum', 1010, 1040, { offset: 950, limit: 150 }],
    ['quantized edges', 1033, 1071, { offset: 950, limit: 200 }],
  ];
  it.each(cases)('%s', (_name, start, end, expected) => {
    expect(computeFetchWindow(start, end, opts)).toEqual(expected);
  });
});

describe('isRangeCovered', () => {
  const cases: [string, { offset: number; limit: number } | null, number, number, number | null, boolean][] = [
    ['nothing loaded', null, 0, 10, null, false],
    ['inside', { offset: 100, limit: 100 }, 120, 150, 1000, true],
    ['edges are inclusive', { offset: 100, limit: 100 }, 100, 200, 1000, true],
    ['leaves at the top', { offset: 100, limit: 100 }, 90, 120, 1000, false],
    ['leaves at the bottom', { offset: 100, limit: 100 }, 180, 220, 1000, false],
    ['rows past the total do not exist', { offset: 0, limit: 100 }, 40, 140, 90, true],
    ['unknown total is not assumed', { offset: 0, limit: 100 }, 40, 140, null, false],
    ['empty list', { offset: 0, limit: 100 }, 0, 30, 0, true],
    ['a window fetched for a nearby range is reused', { offset: 900, limit: 200 }, 1010, 1040, 5000, true],
  ];
  it.each(cases)('%s', (_name, loaded, start, end, total, expected) => {
    expect(isRangeCovered(loaded, start, end, total)).toBe(expected);
  });
});

describe('pickRow', () => {
  const window = { offset: 10, rows: ['a', 'b', 'c'] };
  const cases: [string, number, string | undefined][] = [
    ['first loaded row', 10, 'a'],
    ['last loaded row', 12, 'c'],
    ['before the window', 9, undefined],
    ['after the window', 13, undefined],
  ];
  it.each(cases)('%s', (_name, index, expected) => {
    expect(pickRow(window, index)).toBe(expected);
  });
});
