/**
 * The engine on Langfuse blob-storage exports (FORMATS.md §5.3): real files in a temp folder,
 * opened through TraceService and detected by content. CSV files are framed under their header
 * row, followed while rows are appended, and each row reads back for its detail; a trace row is
 * the root its observations and scores hang under; a score sits under its observation.
 */
import { appendFileSync, copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { WaterfallRow } from '../../src/shared/contract/wire-types';
import { TraceService } from '../../src/core/trace-service';
import { useTraceServiceHarness } from '../helpers/use-trace-service-harness';
import { waitFor } from '../helpers/wait-for';

const FIXTURES = join(__dirname, '../fixtures/langfuse');

const harness = useTraceServiceHarness('tracelight-langfuse-');
const { makeService, openOne } = harness;

async function waterfall(service: TraceService, sourceId: string, sessionId: string): Promise<WaterfallRow[]> {
  const window = await service.getWaterfall({ sourceId, sessionId, collapsedKeys: [], offset: 0, limit: 100 });
  if (!window.ok) throw new Error(window.error);
  return window.value.rows;
}

const names = (rows: WaterfallRow[]) => rows.map((row) => `${'  '.repeat(row.depth)}${row.name}${row.isOrphan ? ' (parent missing)' : ''}${row.isOutsideParent ? ' (outside parent)' : ''}`);

async function detailOf(service: TraceService, sourceId: string, row: WaterfallRow) {
  const detail = await service.getSpanDetail({ sourceId, spanKey: row.spanKey });
  if (!detail.ok) throw new Error(detail.error);
  return detail.value;
}

/** A fixture copied under a name that says nothing of its format: detection is by content. */
function copyFixture(name: string, as = 'export-part'): string {
  const file = join(harness.dir, as);
  copyFileSync(join(FIXTURES, name), file);
  return file;
}

const CSV_TREE = ['agent-run', '  ChatOpenAI', '    cache-miss', '  lookup, weather'];

describe('TraceService on Langfuse CSV exports', () => {
  it('reads an observations CSV by its header, and reads a row back for its detail', async () => {
    const file = copyFixture('csv-observations.csv');
    const service = makeService(false);
    const { sourceId } = await openOne(service, file);
    await service.whenIdle();
    expect((await service.listSources())[0]).toMatchObject({ format: 'langfuse', spans: 4, traces: 1, errors: 0, bytesRead: readFileSync(file).length });
    const rows = await waterfall(service, sourceId, 'trace-csv-1');
    expect(names(rows)).toEqual(CSV_TREE);

    const generation = rows.find((row) => row.name === 'ChatOpenAI')!;
    expect(generation).toMatchObject({ spanType: 'llm', model: 'gpt-4o-mini', inputTokens: 42, outputTokens: 7 });
    const detail = await detailOf(service, sourceId, generation);
    expect(detail.format).toBe('langfuse');
    expect(detail.attributes['langfuse.observation.input']).toBe('Weather in Oslo,\nplease? Say "brief".');
    // The raw view: where the row is in the file, and the row under its header's names.
    const bytes = readFileSync(file);
    const offset = bytes.indexOf('"obs-gen"');
    expect(detail.raw).toMatchObject({ offset, line: 2, isCut: false });
    expect(bytes.subarray(offset + detail.raw.lengthBytes, offset + detail.raw.lengthBytes + 1).toString()).toBe('\n');
    expect(JSON.parse(detail.raw.text)).toMatchObject({ id: 'obs-gen', parent_observation_id: 'obs-root', prompt_version: '3' });

    const tool = rows.find((row) => row.name === 'lookup, weather')!;
    expect((await detailOf(service, sourceId, tool)).raw).toMatchObject({ line: 6 });
  });

  it('follows a CSV export appended row by row: a cut header or row waits, a child waits for its parent', async () => {
    const text = readFileSync(join(FIXTURES, 'csv-observations.csv'), 'utf8');
    const [header, ...rest] = text.split(/\n(?=")/);
    // Rows start with `"obs-`: a line break inside a quoted field is followed by other text.
    expect(rest.map((row) => row.slice(0, 8))).toEqual(['"obs-gen', '"obs-roo', '"obs-evt', '"obs-too']);
    const file = join(harness.dir, 'live-export');
    writeFileSync(file, '');
    const service = makeService(true);
    const { sourceId } = await openOne(service, file);
    const settle = () => new Promise((resolve) => setTimeout(resolve, 200));

    appendFileSync(file, header.slice(0, 20));
    await settle();
    appendFileSync(file, `${header.slice(20)}\n`);
    // The generation's row, cut just after the line break inside its quoted input.
    const generation = rest[0];
    const inner = generation.indexOf('\n') + 1;
    appendFileSync(file, generation.slice(0, inner));
    await settle();
    expect((await service.listSources())[0]).toMatchObject({ spans: 0, errors: 0 });

    appendFileSync(file, `${generation.slice(inner)}\n`);
    await waitFor(async () => (await service.listSources())[0].spans === 1, 'the generation row');
    expect(names(await waterfall(service, sourceId, 'trace-csv-1'))).toEqual(['ChatOpenAI (parent missing)']);

    for (const row of rest.slice(1)) {
      const line = row.endsWith('\n') ? row : `${row}\n`;
      appendFileSync(file, line.slice(0, 10));
      await settle();
      appendFileSync(file, line.slice(10));
    }
    await waitFor(async () => (await service.listSources())[0].spans === 4, 'every row');
    const rows = await waterfall(service, sourceId, 'trace-csv-1');
    expect(names(rows)).toEqual(CSV_TREE);
    expect((await service.listSources())[0]).toMatchObject({ format: 'langfuse', errors: 0, status: 'live', bytesRead: Buffer.byteLength(text) });
    const detail = await detailOf(service, sourceId, rows.find((row) => row.name === 'lookup, weather')!);
    expect(detail.statusMessage).toBe('timeout, retried once');
    expect(JSON.parse(detail.raw.text)).toMatchObject({ id: 'obs-tool', level: 'ERROR' });
  });

  it('reads a traces CSV with a BOM and CRLF, and a scores CSV whose observations are in another file', async () => {
    const service = makeService(false);
    const { sourceId: traces } = await openOne(service, copyFixture('csv-traces.csv', 'traces-part'));
    const { sourceId: scores } = await openOne(service, copyFixture('csv-scores.csv', 'scores-part'));
    await service.whenIdle();
    const [traceInfo, scoreInfo] = await service.listSources();
    expect(traceInfo).toMatchObject({ format: 'langfuse', spans: 2, traces: 2, sessions: 1, errors: 0 });
    expect(scoreInfo).toMatchObject({ format: 'langfuse', spans: 3, traces: 1, errors: 0 });

    const traceRows = await waterfall(service, traces, 'sess-csv');
    expect(names(traceRows)).toEqual(['weather-agent', 'trace']);
    const second = await detailOf(service, traces, traceRows[1]);
    expect(second.attributes['langfuse.trace.input']).toBe('line one\r\nline two');
    expect(second.raw.line).toBe(3);

    const scoreRows = await waterfall(service, scores, 'trace-csv-1');
    expect(names(scoreRows)).toEqual(['score helpfulness (parent missing)', 'score resolved', 'score tone']);
    expect(scoreRows.map((row) => row.spanType)).toEqual(['grader', 'grader', 'grader']);
    const helpfulness = await detailOf(service, scores, scoreRows[0]);
    expect(helpfulness.derived).toContainEqual({ field: 'score', value: 0.75, fromKey: 'gen_ai.evaluation.score.value' });
    expect(helpfulness.attributes['gen_ai.evaluation.explanation']).toBe('Answered, but "cold" is vague.\nCould name a temperature.');
  });

  it('resumes a CSV where it stopped when reopened after rows were appended: later pieces still know the header', async () => {
    const text = readFileSync(join(FIXTURES, 'csv-observations.csv'), 'utf8');
    const split = text.indexOf('"obs-evt"');
    const file = join(harness.dir, 'resume-export');
    writeFileSync(file, text.slice(0, split));
    const before = makeService(false);
    await openOne(before, file);
    await before.whenIdle();
    expect((await before.listSources())[0]).toMatchObject({ spans: 2 });
    await before.close();

    appendFileSync(file, text.slice(split));
    const after = makeService(false);
    const { sourceId } = await openOne(after, file);
    await after.whenIdle();
    expect((await after.listSources())[0]).toMatchObject({ format: 'langfuse', spans: 4, errors: 0 });
    const rows = await waterfall(after, sourceId, 'trace-csv-1');
    expect(names(rows)).toEqual(CSV_TREE);
    expect(JSON.parse((await detailOf(after, sourceId, rows[2])).raw.text)).toMatchObject({ id: 'obs-evt' });
  });

  it('opens the Langfuse CSVs of a folder and leaves other CSVs alone', async () => {
    copyFixture('csv-observations.csv', 'observations.csv');
    copyFixture('csv-scores.csv', 'scores.csv');
    writeFileSync(join(harness.dir, 'people.csv'), 'name,age\nann,3\n');
    const service = makeService(false);
    const opened = await service.openPath({ path: harness.dir });
    if (!opened.ok) throw new Error(opened.error);
    expect(opened.value.map((info) => info.name).sort()).toEqual(['observations.csv', 'scores.csv']);
  });

  it('names the columns of a CSV that is no Langfuse export', async () => {
    const file = join(harness.dir, 'people.csv');
    writeFileSync(file, 'name,age,city\nann,3,Oslo\n');
    const service = makeService(false);
    const { sourceId } = await openOne(service, file);
    await service.whenIdle();
    expect((await service.listSources())[0]).toMatchObject({ spans: 0, errors: 2 });
    const errors = await service.listErrors({ sourceId, offset: 0, limit: 10 });
    expect(errors.rows[0]).toMatchObject({ line: 1, reason: 'not a trace format Tracelight knows: CSV columns name, age, city' });
  });
});

describe('TraceService on Langfuse trace, observation and score rows together', () => {
  /** One JSONL file: two trace rows, the observations of blob-observations.jsonl, and the scores. */
  function writeCombined(): string {
    const lines = (name: string) => readFileSync(join(FIXTURES, name), 'utf8').trimEnd().split('\n');
    const file = join(harness.dir, 'langfuse-export.jsonl');
    writeFileSync(file, `${[...lines('blob-traces.jsonl').slice(0, 2), ...lines('blob-observations.jsonl'), ...lines('blob-scores.jsonl')].join('\n')}\n`);
    return file;
  }

  it('hangs the observations and trace scores under the trace row, and scores under their observation', async () => {
    const service = makeService(false);
    const { sourceId } = await openOne(service, writeCombined());
    await service.whenIdle();
    // The observation without an id is an error.
    expect((await service.listSources())[0]).toMatchObject({ format: 'langfuse', spans: 13, errors: 1 });
    const sessions = await service.listSessions({ sourceId, sortBy: 'start', sortDir: 'asc', offset: 0, limit: 10 });
    expect(sessions.rows.map((s) => [s.sessionId, s.traces, s.spans])).toEqual([
      ['sess-oslo', 2, 10],
      ['sess-2', 1, 3],
    ]);

    const rows = await waterfall(service, sourceId, 'sess-oslo');
    expect(names(rows)).toEqual([
      'weather-agent',
      '  agent-run',
      '    ChatOpenAI',
      '      cache-miss',
      '      score helpfulness',
      '    get_weather',
      '    post-process',
      '    score answered',
      '  score tone',
      'score csat',
    ]);
    // The trace row is a moment (its creation); it is drawn to the end of its trace.
    const root = rows[0];
    expect(root).toMatchObject({ startUs: 1741944413400000, endUs: 1741944417250000, isOrphan: false });
    expect(rows.filter((row) => row.name.startsWith('score')).map((row) => row.spanType)).toEqual(['grader', 'grader', 'grader', 'grader']);
    const detail = await detailOf(service, sourceId, root);
    expect(detail.attributes).toMatchObject({ 'session.id': 'sess-oslo', 'user.id': 'user-42', 'langfuse.trace.tags': ['weather', 'beta'] });
    expect(detail.row.endUs).toBe(1741944417250000);

    const helpfulness = await detailOf(service, sourceId, rows.find((row) => row.name === 'score helpfulness')!);
    expect(helpfulness.derived).toContainEqual({ field: 'score', value: 0.8, fromKey: 'gen_ai.evaluation.score.value' });
    expect(helpfulness.attributes['gen_ai.evaluation.explanation']).toBe('Short but correct.');

    expect(names(await waterfall(service, sourceId, 'sess-2'))).toEqual(['trace', '  score thumbs', '  otel-root']);
  });

  it('keeps an observations-only export as it was: its roots are roots, not orphans', async () => {
    const service = makeService(false);
    const { sourceId } = await openOne(service, copyFixture('blob-observations.jsonl', 'observations-only'));
    await service.whenIdle();
    const rows = await waterfall(service, sourceId, '7f3c2a9e-5b1d-4c8e-9a2f-0d6b4e1c3a57');
    expect(rows.filter((row) => row.depth === 0).map((row) => [row.name, row.isOrphan])).toEqual([['agent-run', false]]);
    expect(rows.some((row) => row.isOrphan || row.isOutsideParent)).toBe(false);
  });
});
