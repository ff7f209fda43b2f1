/**
 * Messages between the engine and its index workers. A job is one piece of a file: bytes
 * that start at a record boundary, with their absolute offset and line. The worker frames,
 * parses, normalizes and writes them to the source's index, and answers with what changed.
 */
import type { RecordEncoding } from './ingest/frame-length-prefixed';

export interface IndexJob {
  type: 'index';
  jobId: number;
  dbPath: string;
  /** The piece's bytes (transferred, not copied): its first lengthBytes bytes. */
  bytes: ArrayBuffer;
  lengthBytes: number;
  offset: number;
  line: number;
  /**
   * True when nothing in this piece can still be completed by the writer: it ends where the
   * next record begins, or the file is read once (no watching). An unfinished value at its
   * end is then an error rather than a pending record.
   */
  isClosed: boolean;
  /** How the piece's records are delimited: JSON values, Collector length prefixes (binary), or CSV rows. */
  encoding: RecordEncoding;
  /** A CSV file's column names (its first row), for pieces that start after it. */
  csvHeader?: readonly string[];
}

export interface CloseDbJob {
  type: 'closeDb';
  jobId: number;
  dbPath: string;
}

export type WorkerJob = IndexJob | CloseDbJob | IndexStoreJob | SessionTreesJob | PingJob | WarmUpJob;

/** Indexes a made-up trace into a throwaway in-memory index, so the indexing code is compiled (index-warm-up-job.ts). */
export interface WarmUpJob {
  type: 'warmUp';
  jobId: number;
}

/** Answered as soon as the worker has loaded: the pool knows it is ready for work. */
export interface PingJob {
  type: 'ping';
  jobId: number;
}

/**
 * Builds and stores the span trees of the sessions of an index that have at least
 * `minSpans` spans and no stored tree of their current spans (index-session-trees-job.ts).
 */
export interface SessionTreesJob {
  type: 'sessionTrees';
  jobId: number;
  dbPath: string;
  minSpans: number;
}

export interface IndexJobResult {
  jobId: number;
  ok: true;
  consumedBytes: number;
  consumedLines: number;
  spans: number;
  traces: number;
  sessions: number;
  errors: number;
  logs: number;
  formats: string[];
  /** [sessionId, spans gained, latest end µs] */
  gained: [string, number, number | null][];
  /** A session trees job: the trees it stored. */
  treesWritten?: number;
}

export type WorkerReply = IndexJobResult | { jobId: number; ok: false; error: string };

/**
 * Reads a whole run database (a store) read-only and writes its spans to a fresh index at
 * `dbPath`; the engine swaps it in when done, so readers never see a half-read store.
 */
export interface IndexStoreJob {
  type: 'indexStore';
  jobId: number;
  dbPath: string;
  storePath: string;
}
