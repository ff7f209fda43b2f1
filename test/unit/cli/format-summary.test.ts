import { describe, expect, it } from 'vitest';
import { formatSummary } from '../../../src/cli/format-summary';
import type { SummaryReport } from '../../../src/core/trace-service';

type SourceRow = SummaryReport['sources'][number];

function makeSource(overrides: Partial<SourceRow> = {}): SourceRow {
  return { path: '/work/traces/a.jsonl', format: 'otel-console', spans: 0, traces: 0, sessions: 0, errors: 0, errorSamples: [], ...overrides };
}

function makeReport(sources: SourceRow[], totals: Partial<SummaryReport['totals']> = {}): SummaryReport {
  const sum = (key: 'spans' | 'traces' | 'sessions' | 'errors') => sources.reduce((n, s) => n + s[key], 0);
  return {
    sources,
    totals: { spans: sum('spans'), traces: sum('traces'), sessions: sum('sessions'), errors: sum('errors'), inputTokens: 0, outputTokens: 0, costUsd: 0, ...totals },
  };
}

describe('formatSummary', () => {
  it('aligns one row per source and a total, with paths relative to the working directory', () => {
    const report = makeReport([
      makeSource({ spans: 1204, traces: 37, sessions: 12 }),
      makeSource({ path: '/elsewhere/collector.jsonl', format: 'otlp-json', spans: 5, traces: 1, sessions: 1 }),
    ]);
    expect(formatSummary(report, '/work')).toBe(
      [
        'SOURCE                      FORMAT        SPANS  TRACES  SESSIONS  ERRORS',
        'traces/a.jsonl              otel-console  1,204      37        12       0',
        '/elsewhere/collector.jsonl  otlp-json         5       1         1       0',
        'TOTAL (2 sources)                         1,209      38        13       0',
      ].join('\n'),
    );
  });

  it('lists the first errors of a source under it, with their lines, and counts the rest', () => {
    const report = makeReport([
      makeSource({
        format: null,
        errors: 5,
        errorSamples: [
          { line: 1, offset: 0, reason: 'not JSON:\n unexpected token' },
          { line: 4, offset: 80, reason: 'not a span' },
          { line: 9, offset: 200, reason: 'not a span' },
          { line: 12, offset: 300, reason: 'not a span' },
        ],
      }),
    ]);
    expect(formatSummary(report, '/work').split('\n')).toEqual([
      'SOURCE            FORMAT  SPANS  TRACES  SESSIONS  ERRORS',
      'traces/a.jsonl    -           0       0         0       5',
      '  line 1: not JSON: unexpected token',
      '  line 4: not a span',
      '  line 9: not a span',
      '  ... and 2 more errors',
      'TOTAL (1 source)              0       0         0       5',
    ]);
  });

  it('adds tokens and cost when there are any', () => {
    const report = makeReport([makeSource({ spans: 2, traces: 1, sessions: 1 })], { inputTokens: 12345, outputTokens: 678, costUsd: 0.01234 });
    expect(formatSummary(report, '/').split('\n').slice(-2)).toEqual(['', 'Tokens: 12,345 in, 678 out; cost $0.0123']);
  });
});
