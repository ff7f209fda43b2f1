/**
 * Index worker thread: frames, parses and normalizes a piece of a trace file and writes it
 * to that file's index. Several run at once (one per core), each with its own connection to
 * each index; SQLite serializes their writes while their parsing overlaps.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { IndexDb, prepareSpans } from './index/index-db';
import { runIndexStoreJob } from './index-store-job';
import { runSessionTreesJob } from './index-session-trees-job';
import { runWarmUpJob } from './index-warm-up-job';
import { WriteTurn } from './write-turn';
import { describePayloadFormat, type PayloadEncoding } from './ingest/decode-otlp-proto';
import { frameCsvRecords } from './ingest/frame-csv-records';
import { frameJsonRecords, type FramedRecord } from './ingest/frame-json-records';
import { frameLengthPrefixedRecords } from './ingest/frame-length-prefixed';
import { createIngestResult, ingestRecord, type IngestResult } from './ingest/ingest-records';
import { createOtelConsoleFastPath } from './ingest/scan-otel-console-records';
import { loadRecordScanner } from './native/record-scanner-addon';
import type { IndexJob, IndexJobResult, WorkerJob, WorkerReply } from './index-worker-protocol';

const databases = new Map<string, IndexDb>();
/** The pool's write lock; absent when a job runs in-thread (tests), where nothing else writes. */
const writeTurn = workerData?.writeTurn instanceof SharedArrayBuffer ? new WriteTurn(workerData.writeTurn) : null;
const takeWriteTurn = <T>(write: () => T): T => (writeTurn ? writeTurn.take(write) : write());

function openDb(path: string): IndexDb {
  let db = databases.get(path);
  if (!db) databases.set(path, (db = new IndexDb(path)));
  return db;
}

/** Ingests one decoded Collector record, its spans reported under the binary format's name ("otlp-proto+zstd"). */
function ingestDecodedRecord(record: FramedRecord, encoding: PayloadEncoding, into: IngestResult): void {
  const own = createIngestResult();
  ingestRecord(record, own);
  for (const span of own.spans) {
    span.format = describePayloadFormat(span.format, encoding);
    into.spans.push(span);
  }
  for (const format of own.formats) into.formats.add(describePayloadFormat(format, encoding));
  into.logs.push(...own.logs);
  into.errors.push(...own.errors);
}

/**
 * Indexes one piece; exported for running in-thread where workers are not wanted. `write`
 * runs the writes: in the pool's write turn unless the index is the worker's own.
 */
export function runIndexJob(job: IndexJob, db: IndexDb, write: <T>(writes: () => T) => T = takeWriteTurn): IndexJobResult {
  const bytes = Buffer.from(job.bytes, 0, job.lengthBytes);
  const ingested = createIngestResult();
  const scanner = loadRecordScanner();
  const framed =
    job.encoding === 'length-prefixed'
      ? frameLengthPrefixedRecords(bytes, job.offset, job.line, job.isClosed, (record, encoding) => ingestDecodedRecord(record, encoding, ingested))
      : job.encoding === 'csv'
        ? frameCsvRecords(bytes, job.offset, job.line, job.isClosed, job.csvHeader ?? null, (record) => ingestRecord(record, ingested))
        : frameJsonRecords(
            bytes,
            job.offset,
            job.line,
            job.isClosed,
            (record) => ingestRecord(record, ingested),
            scanner ? createOtelConsoleFastPath(scanner, job.offset, ingested) : undefined,
          );
  const errors = [...framed.errors, ...ingested.errors].sort((a, b) => a.offset - b.offset);
  const piece = { offset: job.offset, endOffset: job.offset + framed.consumedBytes, endLine: job.line + framed.consumedLines };
  // Encoding the blocks needs no database: done before waiting for the turn to write.
  const prepared = prepareSpans(ingested.spans);
  const result = write(() => db.addBatch(prepared, errors, piece, ingested.logs));
  return {
    jobId: job.jobId,
    ok: true,
    consumedBytes: framed.consumedBytes,
    consumedLines: framed.consumedLines,
    spans: result.spans,
    traces: result.traces,
    sessions: result.sessions,
    errors: result.errors,
    logs: result.logs,
    formats: [...ingested.formats],
    gained: [...result.gained].map(([sessionId, gain]) => [sessionId, gain.count, gain.endUs]),
  };
}

/** The reply of a job that indexed no piece; `extra` says what it did instead. */
function doneReply(jobId: number, extra: Partial<IndexJobResult> = {}): IndexJobResult {
  return { jobId, ok: true, consumedBytes: 0, consumedLines: 0, spans: 0, traces: 0, sessions: 0, errors: 0, logs: 0, formats: [], gained: [], ...extra };
}

function handle(job: WorkerJob): WorkerReply {
  try {
    if (job.type === 'ping') return doneReply(job.jobId);
    if (job.type === 'warmUp') {
      // Its in-memory index is this thread's alone: no turn to wait for.
      const spans = runWarmUpJob((piece, db) => runIndexJob(piece, db, (writes) => writes()));
      return doneReply(job.jobId, { spans });
    }
    if (job.type === 'closeDb') {
      databases.get(job.dbPath)?.close();
      databases.delete(job.dbPath);
      return doneReply(job.jobId);
    }
    if (job.type === 'indexStore') return runIndexStoreJob(job);
    if (job.type === 'sessionTrees') {
      const written = runSessionTreesJob(openDb(job.dbPath), job.minSpans, (store) => takeWriteTurn(store));
      return doneReply(job.jobId, { treesWritten: written });
    }
    return runIndexJob(job, openDb(job.dbPath));
  } catch (error) {
    return { jobId: job.jobId, ok: false, error: (error as Error).message };
  }
}

parentPort?.on('message', (job: WorkerJob) => parentPort!.postMessage(handle(job)));
