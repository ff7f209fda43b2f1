/**
 * Index worker job for a run database: reads every span of the store through its reader
 * (read-only, short read transactions) and writes them to a fresh index file. A span's
 * record location is its row: rowid as the offset, its table's position in the reader's
 * list as the line (see toIndexableSpan). A span that cannot be indexed is a row error like
 * a row that cannot be read; only a failure to write the index stops the job.
 */
import type { SourceError } from '../shared/contract/wire-types';
import { IndexDb } from './index/index-db';
import { toIndexableSpan, type IndexableSpan } from './ingest/ingest-records';
import type { IndexJobResult, IndexStoreJob } from './index-worker-protocol';
import { openStore } from './sources/stores/open-store';
import { StoreReadAborted, type StoreRowError } from './sources/stores/store-reader';

const BATCH_SPANS = 2000;
const TABLE_BITS = 3;
const INDEX_BITS = 20;
/** Keys of spans whose row gives none start here, above every row key. */
const OVERFLOW_KEYS_FROM = 2 ** 52;

/**
 * A store span's key from its row: the same row gives the same key on every re-read, so
 * what the renderer holds (a selected span, a deep link) still means the same span after the
 * store changed. rowid < 2^29 keeps the key below 2^52. Beyond that (or 8 tables, or 2^20
 * spans from one row) the span is numbered in reading order from 2^52 up (OVERFLOW_KEYS_FROM).
 */
function storeSpanKey(table: number, rowid: number, index: number): number | undefined {
  if (table >= 1 << TABLE_BITS || index >= 1 << INDEX_BITS || rowid < 0 || rowid >= 2 ** (53 - TABLE_BITS - INDEX_BITS - 1)) return undefined;
  return (rowid * (1 << TABLE_BITS) + table) * (1 << INDEX_BITS) + index + 1;
}

export function runIndexStoreJob(job: IndexStoreJob): IndexJobResult {
  const opened = openStore(job.storePath);
  if (!opened.ok) throw new Error(opened.reason);
  const { reader } = opened;
  const index = new IndexDb(job.dbPath);
  const gained = new Map<string, { count: number; endUs: number | null }>();
  try {
    index.clear();
    const tableNumbers = new Map(reader.tables.map((table, i) => [table, i]));
    let spans: IndexableSpan[] = [];
    let errors: Omit<SourceError, 'sourceId'>[] = [];
    let batchNumber = 0;
    let overflowKey = OVERFLOW_KEYS_FROM;
    const flush = () => {
      const result = index.addBatch(spans, errors, { offset: batchNumber, endOffset: batchNumber + 1, endLine: 0 });
      for (const [sessionId, gain] of result.gained) {
        const known = gained.get(sessionId);
        gained.set(sessionId, {
          count: (known?.count ?? 0) + gain.count,
          endUs: known?.endUs == null ? gain.endUs : gain.endUs == null ? known.endUs : Math.max(known.endUs, gain.endUs),
        });
      }
      batchNumber++;
      spans = [];
      errors = [];
    };
    const reportRow = (problem: StoreRowError) => {
      const where = problem.rowid === null ? `table ${problem.table}` : `table ${problem.table}, row ${problem.rowid}`;
      errors.push({ line: 0, offset: problem.rowid ?? 0, lengthBytes: 0, reason: `${where}: ${problem.reason}`, excerpt: '' });
    };
    try {
      reader.readAll(
        opened.db,
        ({ span, pointer }) => {
          let indexable: IndexableSpan;
          try {
            const table = tableNumbers.get(pointer.table);
            if (table === undefined) throw new Error(`${reader.format} reader returned a span from table ${pointer.table}, not one of its tables`);
            indexable = toIndexableSpan(span, reader.format, pointer.rowid, 0, table, pointer.index);
            indexable.spanKey = storeSpanKey(table, pointer.rowid, pointer.index) ?? overflowKey++;
          } catch (problem) {
            // e.g. an attribute nested too deep to derive fields from: this span is left out, the rest indexed.
            const reason = `cannot index this span: ${problem instanceof Error ? problem.message : String(problem)}`;
            reportRow({ table: pointer.table, rowid: pointer.rowid, reason });
            return;
          }
          spans.push(indexable);
          if (spans.length < BATCH_SPANS) return;
          try {
            flush();
          } catch (problem) {
            // The index cannot be written: stop reading (a reader would otherwise take it for a bad row).
            throw new StoreReadAborted(problem);
          }
        },
        reportRow,
      );
    } catch (problem) {
      throw problem instanceof StoreReadAborted ? problem.cause : problem;
    }
    flush();
    const counts = index.getCounts();
    return {
      jobId: job.jobId,
      ok: true,
      consumedBytes: 0,
      consumedLines: 0,
      spans: counts.spans,
      traces: counts.traces,
      sessions: counts.sessions,
      errors: counts.errors,
      logs: counts.logs,
      formats: [reader.format],
      gained: [...gained].map(([sessionId, gain]) => [sessionId, gain.count, gain.endUs]),
    };
  } finally {
    opened.db.close();
    index.close();
  }
}
