/**
 * OTel-JS ConsoleSpanExporter output (Node util.inspect text, not JSON) through the engine on
 * a real file: indexed as spans, appended to live with the last record arriving in pieces,
 * and every span's detail read back from its record exactly as written.
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TraceService } from '../../src/core/trace-service';
import { useTraceServiceHarness } from '../helpers/use-trace-service-harness';
import { waitFor } from '../helpers/wait-for';

const FIXTURE = join(__dirname, '../fixtures/otel-js-console/sdk1-parent-id.log');

const harness = useTraceServiceHarness('tracelight-otel-js-console-');
const { makeService, openOne } = harness;

async function open(file: string, watch: boolean): Promise<{ service: TraceService; sourceId: string }> {
  const service = makeService(watch);
  const { sourceId } = await openOne(service, file);
  return { service, sourceId };
}

describe('OTel-JS console output', () => {
  it('is indexed, and each span reads back from its record as written', async () => {
    const text = readFileSync(FIXTURE, 'utf8');
    const file = join(harness.dir, 'agent.log');
    writeFileSync(file, `> node index.js\n${text}`);
    const { service, sourceId } = await open(file, false);
    await service.whenIdle();

    const [info] = await service.listSources();
    expect(info).toMatchObject({ format: 'otel-js-console', spans: 3, traces: 1, sessions: 1, errors: 1 });
    const { rows } = await service.listSessions({ sourceId, offset: 0, limit: 10 });
    const window = await service.getWaterfall({ sourceId, sessionId: rows[0].sessionId, collapsedKeys: [], offset: 0, limit: 10 });
    if (!window.ok) throw new Error(window.error);
    expect(window.value.rows.map((r) => `${'  '.repeat(r.depth)}${r.name}`)).toEqual(['POST /chat', '  chat gpt-4o', '  tool lookup_order']);

    const records = text.split(/(?<=\n\})\n/).map((r) => r.trimEnd());
    for (const row of window.value.rows) {
      const detail = await service.getSpanDetail({ sourceId, spanKey: row.spanKey });
      if (!detail.ok) throw new Error(detail.error);
      expect(detail.value.format).toBe('otel-js-console');
      expect(records).toContain(detail.value.raw.text);
      expect(detail.value.raw.text).toContain(`id: '${row.spanId}'`);
    }
    const chat = window.value.rows.find((r) => r.name === 'chat gpt-4o')!;
    const detail = await service.getSpanDetail({ sourceId, spanKey: chat.spanKey });
    if (!detail.ok) throw new Error(detail.error);
    expect(detail.value).toMatchObject({ kind: 'client', scope: { name: 'support-agent-tracer', version: '1.4.2' }, resource: { 'service.name': 'support-agent' } });
    expect(detail.value.attributes['gen_ai.prompt']).toContain(`\nUser: Where's my order #1234? It says "shipped" since Monday.`);
    expect(detail.value.raw).toMatchObject({ line: 2, offset: Buffer.byteLength('> node index.js\n') });
  });

  it('waits for a record written in pieces while the file grows', async () => {
    const text = readFileSync(FIXTURE, 'utf8');
    const firstEnd = text.indexOf('\n}\n') + 3;
    const file = join(harness.dir, 'live.log');
    writeFileSync(file, text.slice(0, firstEnd));
    const { service } = await open(file, true);
    await waitFor(async () => (await service.listSources())[0]?.spans === 1, 'the first span');

    const rest = text.slice(firstEnd);
    appendFileSync(file, rest.slice(0, 200));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await service.listSources())[0]).toMatchObject({ spans: 1, errors: 0 });
    appendFileSync(file, rest.slice(200));
    await waitFor(async () => (await service.listSources())[0]?.spans === 3, 'all three spans');
    expect((await service.listSources())[0]).toMatchObject({ format: 'otel-js-console', errors: 0 });
  });
});
