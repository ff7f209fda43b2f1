import { describe, expect, it } from 'vitest';
import { isRowInView, planReveal } from '../../../src/renderer/lib/reveal';

describe('planReveal', () => {
  it('shows a span that has a row', () => {
    expect(planReveal({ revealIndex: 57, revealAncestorKeys: ['1', '4'] }, [])).toEqual({ kind: 'show', index: 57 });
  });

  it('shows a span at row 0', () => {
    expect(planReveal({ revealIndex: 0, revealAncestorKeys: [] }, ['9'])).toEqual({ kind: 'show', index: 0 });
  });

  it('expands every collapsed ancestor, root first, and leaves other collapsed keys alone', () => {
    expect(planReveal({ revealIndex: null, revealAncestorKeys: ['1', '4', '7'] }, ['1', '3', '7'])).toEqual({ kind: 'expand', spanKeys: ['1', '7'] });
  });

  it('says absent when nothing collapsed hides it', () => {
    expect(planReveal({ revealIndex: null, revealAncestorKeys: [] }, ['1'])).toEqual({ kind: 'absent' });
    expect(planReveal({ revealIndex: null, revealAncestorKeys: ['2'] }, ['1'])).toEqual({ kind: 'absent' });
  });
});

describe('isRowInView', () => {
  it('is true for a row wholly inside the viewport', () => {
    expect(isRowInView(0, 24, 0, 240)).toBe(true);
    expect(isRowInView(9, 24, 0, 240)).toBe(true);
    expect(isRowInView(10, 24, 24, 240)).toBe(true);
  });

  it('is false for a row above, below or cut by an edge', () => {
    expect(isRowInView(10, 24, 0, 240)).toBe(false);
    expect(isRowInView(0, 24, 1, 240)).toBe(false);
    expect(isRowInView(50, 24, 0, 240)).toBe(false);
    expect(isRowInView(9, 24, 0, 230)).toBe(false);
  });
});
