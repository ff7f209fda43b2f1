/**
 * The engine on the OpenTelemetry Collector file exporter's binary output (`format: proto`,
 * `compression: zstd`): real files in a temp folder, opened through TraceService, detected by
 * their content, read back for span details, and followed while a "collector" appends records.
 */
import { appendFileSync, copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TraceService } from '../../src/core/trace-service';
import { encodeRequestProto, lengthPrefixed } from '../fixtures/otlp-proto/make-fixtures';
import { useTraceServiceHarness } from '../helpers/use-trace-service-harness';
import { waitFor } from '../helpers/wait-for';

const FIXTURES = join(__dirname, '../fixtures/otlp-proto');

const harness = useTraceServiceHarness('tracelight-proto-');
const { makeService, openOne } = harness;

async function waterfall(service: TraceService, sourceId: string, sessionId: string) {
  const window = await service.getWaterfall({ sourceId, sessionId, collapsedKeys: [], offset: 0, limit: 100 });
  if (!window.ok) throw new Error(window.error);
  return window.value.rows;
}

const names = (rows: Awaited<ReturnType<typeof waterfall>>) => rows.map((row) => `${'  '.repeat(row.depth)}${row.name}${row.isOrphan ? ' (parent missing)' : ''}`);

/** A fixture's records, split at their length prefixes. */
function readRecords(name: string): Buffer[] {
  const bytes = readFileSync(join(FIXTURES, name));
  const records: Buffer[] = [];
  for (let at = 0; at < bytes.length; ) {
    const end = at + 4 + bytes.readUInt32BE(at);
    records.push(bytes.subarray(at, end));
    at = end;
  }
  return records;
}

/** A copy of a fixture under a name that says nothing of its format: detection is by content. */
function copyFixture(name: string): string {
  const file = join(harness.dir, 'collector-output');
  copyFileSync(join(FIXTURES, name), file);
  return file;
}

const TREE = ['agent.run', '  llm.call', '    parse.output', '  tool.search'];

describe('TraceService on Collector binary files', () => {
  for (const [fixture, format] of [
    ['collector-proto.bin', 'otlp-proto'],
    ['collector-proto-zstd.bin', 'otlp-proto+zstd'],
    ['collector-json-zstd.bin', 'otlp-json+zstd'],
  ] as const) {
    it(`opens ${format} output: sessions, the span tree, and a span's detail decoded back from the file`, async () => {
      const file = copyFixture(fixture);
      const service = makeService(false);
      const { sourceId } = await openOne(service, file);
      await service.whenIdle();
      const [info] = await service.listSources();
      expect(info).toMatchObject({ format, spans: 5, traces: 2, errors: 0, status: 'idle', bytesRead: readFileSync(file).length });

      const sessions = await service.listSessions({ sourceId, sortBy: 'start', sortDir: 'asc', offset: 0, limit: 10 });
      expect(sessions.rows.map((s) => [s.sessionId, s.spans])).toEqual([
        ['sess-1', 4],
        ['5b8efff798038103d269b633813fc60c', 1],
      ]);
      const rows = await waterfall(service, sourceId, 'sess-1');
      expect(names(rows)).toEqual(TREE);

      const llm = rows.find((row) => row.name === 'llm.call')!;
      const detail = await service.getSpanDetail({ sourceId, spanKey: llm.spanKey });
      if (!detail.ok) throw new Error(detail.error);
      const [first] = readRecords(fixture);
      expect(detail.value).toMatchObject({ kind: 'client', statusMessage: 'rate limited', format, resource: { 'service.name': 'agent-svc' } });
      expect(detail.value.attributes).toMatchObject({ s: 'hello ü', big: '9007199254740993', arr: ['a', 1, [true]], kv: { inner: 'x', deep: { z: 1.5 } } });
      expect(detail.value.links.map((link) => link.spanId)).toEqual(['00f067aa0ba902b7', '1111111111111111']);
      // The raw view: where the binary record is, and the OTLP/JSON it decodes to.
      expect(detail.value.raw).toMatchObject({ offset: 0, lengthBytes: first.length, line: 1, isCut: false });
      const raw = JSON.parse(detail.value.raw.text);
      expect(raw.resourceSpans[0].scopeSpans[0].spans[0]).toMatchObject({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', name: 'llm.call' });
    });
  }

  it('reports a record cut short at the end of a finished file, keeping the records before it', async () => {
    const service = makeService(false);
    const { sourceId } = await openOne(service, copyFixture('truncated-tail.bin'));
    await service.whenIdle();
    expect((await service.listSources())[0]).toMatchObject({ format: 'otlp-proto', spans: 2, errors: 1 });
    const errors = await service.listErrors({ sourceId, offset: 0, limit: 10 });
    expect(errors.rows[0]).toMatchObject({ offset: 269, lengthBytes: 40 });
    expect(errors.rows[0].reason).toMatch(/^a record cut short/);
  });

  it('follows a collector appending zstd records: a partial record waits, the next one re-parents', async () => {
    const file = join(harness.dir, 'live-output');
    writeFileSync(file, '');
    const service = makeService(true);
    const { sourceId } = await openOne(service, file);
    const [first, second] = readRecords('collector-proto-zstd.bin');

    // Request 2 first: the tool span's parent is not in the file yet.
    appendFileSync(file, second.subarray(0, 2));
    await new Promise((resolve) => setTimeout(resolve, 200));
    appendFileSync(file, second.subarray(2, 30));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await service.listSources())[0]).toMatchObject({ spans: 0, errors: 0 });

    appendFileSync(file, second.subarray(30));
    await waitFor(async () => (await service.listSources())[0].spans === 2, 'the completed record');
    expect(names(await waterfall(service, sourceId, '0af7651916cd43dd8448eb211c80319c'))).toEqual(['tool.search (parent missing)']);

    appendFileSync(file, first);
    await waitFor(async () => (await service.listSources())[0].spans === 5, 'the next record');
    expect(names(await waterfall(service, sourceId, 'sess-1'))).toEqual(TREE);
    expect((await service.listSources())[0]).toMatchObject({ format: 'otlp-proto+zstd', errors: 0, status: 'live', isLive: true });
  });

  it('reads records larger than a read window, whole or arriving in parts', async () => {
    const prompt = 'p'.repeat(3 * 1024 * 1024);
    const request = (spanId: string, name: string) =>
      lengthPrefixed(
        encodeRequestProto({
          resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: '11111111111111111111111111111111', spanId, name, startTimeUnixNano: '1779000000000000000', attributes: [{ key: 'gen_ai.prompt', value: { stringValue: prompt } }] }] }] }],
        }),
      );
    const big = request('00000000000000a1', 'big-1');
    const file = join(harness.dir, 'big-output');
    writeFileSync(file, Buffer.concat([big, request('00000000000000a2', 'big-2').subarray(0, 1000)]));
    const service = makeService(true);
    const { sourceId } = await openOne(service, file);
    await waitFor(async () => (await service.listSources())[0].spans === 1, 'the first big record');
    appendFileSync(file, request('00000000000000a2', 'big-2').subarray(1000));
    await waitFor(async () => (await service.listSources())[0].spans === 2, 'the second big record');
    const rows = await waterfall(service, sourceId, '11111111111111111111111111111111');
    const detail = await service.getSpanDetail({ sourceId, spanKey: rows[1].spanKey });
    if (!detail.ok) throw new Error(detail.error);
    // The decoded text is over the raw view's 1 MB: its start is shown.
    expect(detail.value.raw).toMatchObject({ offset: big.length, lengthBytes: big.length, isCut: true });
    expect(String(detail.value.attributes['gen_ai.prompt']).length).toBe(prompt.length);
    expect((await service.listSources())[0]).toMatchObject({ errors: 0 });
  });

  it('resumes a binary file where it stopped when reopened after the collector appended', async () => {
    const [first, second] = readRecords('collector-proto.bin');
    const file = join(harness.dir, 'resume-output');
    writeFileSync(file, first);
    const before = makeService(false);
    await openOne(before, file);
    await before.whenIdle();
    expect((await before.listSources())[0]).toMatchObject({ spans: 3 });
    await before.close();

    appendFileSync(file, second);
    const after = makeService(false);
    await openOne(after, file);
    await after.whenIdle();
    expect((await after.listSources())[0]).toMatchObject({ format: 'otlp-proto', spans: 5, traces: 2, errors: 0 });
  });
});
