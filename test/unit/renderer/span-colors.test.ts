import { describe, expect, it } from 'vitest';
import { SPAN_TYPES } from '../../../src/shared/model/span-type';
import { DECISION_COLORS, ERROR_COLOR, SPAN_TYPE_COLORS, selectBarColor, selectSpanTypeColor } from '../../../src/renderer/lib/span-colors';

describe('selectBarColor', () => {
  const cases: [string, Parameters<typeof selectBarColor>[0], string][] = [
    ['span type colour', { spanType: 'llm', status: 'ok', decision: null }, SPAN_TYPE_COLORS.llm],
    ['error wins over type', { spanType: 'tool', status: 'error', decision: null }, ERROR_COLOR],
    ['allow is green', { spanType: 'policy', status: 'ok', decision: 'allow' }, DECISION_COLORS.allow],
    ['deny is red', { spanType: 'policy', status: 'error', decision: 'deny' }, DECISION_COLORS.deny],
    ['human review is amber', { spanType: 'policy', status: 'unset', decision: 'hitl' }, DECISION_COLORS.hitl],
    ['soft deny is orange', { spanType: 'policy', status: 'unset', decision: 'soft-deny' }, DECISION_COLORS['soft-deny']],
    ['unknown type falls back', { spanType: 'quantum', status: 'ok', decision: null }, SPAN_TYPE_COLORS.unknown],
  ];
  it.each(cases)('%s', (_name, span, expected) => {
    expect(selectBarColor(span)).toBe(expected);
  });

  it('gives every span type its own colour', () => {
    const colors = SPAN_TYPES.map(selectSpanTypeColor);
    expect(new Set(colors).size).toBe(SPAN_TYPES.length);
  });
});
