/**
 * The human-readable form of `tracelight summary`: one row per source with its first few
 * errors beneath it, then totals. Pure, so the layout is tested without the engine.
 */
import { isAbsolute, relative } from 'node:path';
import type { SummaryReport } from '../core/trace-service';

/** How many bad records are listed under each source. */
export const ERROR_SAMPLES_SHOWN = 3;

const HEADERS = ['SOURCE', 'FORMAT', 'SPANS', 'TRACES', 'SESSIONS', 'ERRORS'] as const;

/** Renders the report as an aligned plain-text table; paths under cwd are shown relative to it. */
export function formatSummary(report: SummaryReport, cwd: string): string {
  const rows: string[][] = report.sources.map((s) => [
    displayPath(s.path, cwd),
    s.format ?? '-',
    formatCount(s.spans),
    formatCount(s.traces),
    formatCount(s.sessions),
    formatCount(s.errors),
  ]);
  const count = report.sources.length;
  const totalRow = [
    `TOTAL (${count} ${count === 1 ? 'source' : 'sources'})`,
    '',
    formatCount(report.totals.spans),
    formatCount(report.totals.traces),
    formatCount(report.totals.sessions),
    formatCount(report.totals.errors),
  ];
  const widths = HEADERS.map((h, i) => Math.max(h.length, ...[...rows, totalRow].map((r) => r[i].length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i < 2 ? cell.padEnd(widths[i]) : cell.padStart(widths[i])))
      .join('  ')
      .trimEnd();

  const out = [line(HEADERS)];
  report.sources.forEach((source, i) => {
    out.push(line(rows[i]));
    const shown = source.errorSamples.slice(0, ERROR_SAMPLES_SHOWN);
    for (const sample of shown) out.push(`  line ${sample.line}: ${oneLine(sample.reason)}`);
    const more = source.errors - shown.length;
    if (more > 0) out.push(`  ... and ${formatCount(more)} more ${more === 1 ? 'error' : 'errors'}`);
  });
  out.push(line(totalRow));

  const { inputTokens, outputTokens, costUsd } = report.totals;
  if (inputTokens > 0 || outputTokens > 0 || costUsd > 0) {
    out.push('', `Tokens: ${formatCount(inputTokens)} in, ${formatCount(outputTokens)} out; cost ${formatUsd(costUsd)}`);
  }
  return out.join('\n');
}

function displayPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

function formatUsd(usd: number): string {
  return `$${usd.toFixed(usd > 0 && usd < 1 ? 4 : 2)}`;
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 160 ? `${flat.slice(0, 157)}...` : flat;
}
