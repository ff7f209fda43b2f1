/**
 * Writes the demo trace files shipped in resources/demo/. Deterministic: seeded PRNG and fixed
 * base timestamps, so re-running it reproduces the files byte for byte.
 *
 *   npx tsx scripts/make-demo.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildConsoleDemo } from './demo/console-demo';
import { buildCollectorDemo } from './demo/collector-demo';
import { buildRunDatabaseDemo } from './demo/run-database-demo';

const outDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'resources', 'demo');
mkdirSync(outDir, { recursive: true });

const console_ = buildConsoleDemo();
const collector = buildCollectorDemo();
// Guards for later edits of the scenarios: the demo promises these properties.
if (console_.spans < 300 || console_.spans > 600) throw new Error(`agent-traces: ${console_.spans} spans, want 300-600`);
if (collector.mixedResourceLines < 1) throw new Error('collector-export: no line mixes two resources');

writeFileSync(join(outDir, 'agent-traces.jsonl'), console_.text);
writeFileSync(join(outDir, 'collector-export.jsonl'), collector.text);
const runDatabase = buildRunDatabaseDemo(join(outDir, 'kavalai.db'));

process.stdout.write(
  JSON.stringify(
    {
      'agent-traces.jsonl': { spans: console_.spans, traces: console_.traces, sessions: console_.sessions, bytes: console_.text.length },
      'kavalai.db': runDatabase,
      'collector-export.jsonl': {
        spans: collector.spans,
        traces: collector.traces,
        sessions: collector.sessions,
        lines: collector.lines,
        mixedResourceLines: collector.mixedResourceLines,
        bytes: Buffer.byteLength(collector.text),
      },
    },
    null,
    2,
  ) + '\n',
);
