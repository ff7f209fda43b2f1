/**
 * Frames the OpenTelemetry Collector file exporter's binary output (FORMATS.md §3, §11.18):
 * with `format: proto`, or with any `compression`, each exported request is written as a
 * 4-byte big-endian unsigned length followed by that many bytes of payload
 * (opentelemetry-collector-contrib `exporter/fileexporter/file_writer.go`,
 * `exportMessageAsBuffer`). The payload is a protobuf `ExportTraceServiceRequest`, or its
 * OTLP/JSON text, and with `compression: zstd` it is that payload compressed on its own as one
 * zstd frame (`marshaller.go` compresses each marshalled request before it is written).
 *
 * Framing only trusts a record start whose payload looks like one of those: a protobuf
 * request begins with 0x0A (field 1, length-delimited), a zstd frame with 28 B5 2F FD, JSON
 * with `{`; a zero length is an empty request. Anything else, or a length above
 * MAX_RECORD_BYTES, is reported with its offset and framing resyncs at the next plausible
 * record start. Like the JSON framer it keeps no bytes: it says how far it consumed, and a
 * record its writer has not finished stays unconsumed until more bytes come (or is an error
 * once nothing more can come). It never throws.
 *
 * A binary file has no lines: here a "line" is a record's 1-based ordinal in the file (each
 * reported error region counts as one), so positions and messages still point somewhere.
 */
import { decodeCollectorPayload, ZSTD_MAGIC, type PayloadEncoding } from './decode-otlp-proto';
import type { FrameResult, FramedRecord, FramingError } from './frame-json-records';

/** A longer record is taken for corruption (the Collector's own limits are far below it). */
export const MAX_RECORD_BYTES = 256 * 1024 * 1024;
export const LENGTH_PREFIX_BYTES = 4;

const PROTOBUF_FIELD_1_BYTES = 0x0a;
const OPEN_BRACE = 0x7b;
const EXCERPT_BYTES = 24;

/** How a file's records are delimited: JSON values (lines, dumps, arrays), Collector length prefixes, or CSV rows under a header. */
export type RecordEncoding = 'json' | 'length-prefixed' | 'csv';

export interface LengthPrefixedRecord {
  /** Absolute offset of the length prefix. */
  offset: number;
  /** Prefix and payload. */
  lengthBytes: number;
  /** The record's ordinal (see the module comment). */
  line: number;
  /** A view of the input, not a copy. */
  payload: Buffer;
}

export interface LengthPrefixedFrame {
  records: LengthPrefixedRecord[];
  errors: FramingError[];
  consumedBytes: number;
  /** Records and error regions within the consumed bytes. */
  consumedLines: number;
  /** Bytes, from the first unconsumed one, that the pending record needs; 0 when none is pending or its length is not known yet. */
  pendingBytes: number;
}

type Head = { kind: 'record'; lengthBytes: number } | { kind: 'corrupt'; reason: string } | { kind: 'short'; lengthBytes: number | null };

/** What the bytes at `at` are: a plausible record start, not one, or too few bytes to tell. */
function readHead(bytes: Uint8Array, at: number, end: number, maxRecordBytes: number): Head {
  if (end - at < LENGTH_PREFIX_BYTES) return { kind: 'short', lengthBytes: null };
  const length = ((bytes[at] << 24) >>> 0) + (bytes[at + 1] << 16) + (bytes[at + 2] << 8) + bytes[at + 3];
  if (length > maxRecordBytes) return { kind: 'corrupt', reason: `a record length of ${length} bytes, more than a Collector record can be` };
  const lengthBytes = LENGTH_PREFIX_BYTES + length;
  if (length === 0) return { kind: 'record', lengthBytes };
  const payload = at + LENGTH_PREFIX_BYTES;
  if (payload >= end) return { kind: 'short', lengthBytes };
  const first = bytes[payload];
  if (first === PROTOBUF_FIELD_1_BYTES || first === OPEN_BRACE) return { kind: 'record', lengthBytes };
  if (first === ZSTD_MAGIC[0] && length >= ZSTD_MAGIC.length) {
    for (let i = 1; i < ZSTD_MAGIC.length; i++) {
      if (payload + i >= end) return { kind: 'short', lengthBytes };
      if (bytes[payload + i] !== ZSTD_MAGIC[i]) return { kind: 'corrupt', reason: 'a record whose payload is neither protobuf, zstd nor JSON' };
    }
    return { kind: 'record', lengthBytes };
  }
  return { kind: 'corrupt', reason: 'a record whose payload is neither protobuf, zstd nor JSON' };
}

/** True for a byte no text file starts with (FORMATS.md §1 "Binary"): a control character other than tab, CR, LF. */
export function isBinaryByte(byte: number): boolean {
  return (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d) || byte === 0x7f;
}

/**
 * Whether a file's first bytes are Collector length-prefixed records: a non-text first byte
 * and, as far as the bytes go, a plausible first record (a few bytes are enough to say yes).
 */
export function isLengthPrefixedHead(head: Uint8Array): boolean {
  if (head.length === 0 || !isBinaryByte(head[0])) return false;
  return readHead(head, 0, head.length, MAX_RECORD_BYTES).kind !== 'corrupt';
}

/** The payload of `record` when it is exactly one length-prefixed record (as read back at an indexed offset), else null. */
export function readLengthPrefixedPayload(record: Buffer): Buffer | null {
  if (record.length < LENGTH_PREFIX_BYTES || !isBinaryByte(record[0])) return null;
  return record.readUInt32BE(0) === record.length - LENGTH_PREFIX_BYTES ? record.subarray(LENGTH_PREFIX_BYTES) : null;
}

function describeBytes(bytes: Uint8Array, start: number, stop: number): string {
  const shown = Buffer.from(bytes.buffer, bytes.byteOffset + start, Math.min(stop - start, EXCERPT_BYTES)).toString('hex');
  return `${shown.replace(/(..)(?!$)/g, '$1 ')}${stop - start > EXCERPT_BYTES ? ' …' : ''}`;
}

/**
 * Frames the length-prefixed records in `bytes`, which start at absolute `baseOffset` and
 * record ordinal `baseLine`. With `isClosed`, nothing more can be appended to these bytes: a
 * record cut short at the end is an error instead of pending. With `onRecord`, records are
 * handed over one by one and not kept.
 */
export function frameLengthPrefixed(
  bytes: Buffer,
  baseOffset: number,
  baseLine: number,
  isClosed: boolean,
  onRecord?: (record: LengthPrefixedRecord) => void,
  maxRecordBytes = MAX_RECORD_BYTES,
): LengthPrefixedFrame {
  const kept: LengthPrefixedRecord[] = [];
  const emit = onRecord ?? ((record: LengthPrefixedRecord) => void kept.push(record));
  const errors: FramingError[] = [];
  const end = bytes.length;
  let pos = 0;
  let line = baseLine;
  let pendingBytes = 0;

  const addError = (start: number, stop: number, reason: string) => {
    errors.push({ offset: baseOffset + start, lengthBytes: stop - start, line: line++, reason, excerpt: describeBytes(bytes, start, stop) });
  };

  while (pos < end) {
    const head = readHead(bytes, pos, end, maxRecordBytes);
    if (head.kind === 'record' && pos + head.lengthBytes <= end) {
      emit({ offset: baseOffset + pos, lengthBytes: head.lengthBytes, line: line++, payload: bytes.subarray(pos + LENGTH_PREFIX_BYTES, pos + head.lengthBytes) });
      pos += head.lengthBytes;
      continue;
    }
    if (head.kind !== 'corrupt') {
      // A record its writer has not finished (or only part of its prefix).
      if (!isClosed) {
        pendingBytes = head.lengthBytes ?? 0;
        break;
      }
      const wanted = head.lengthBytes === null ? 'its length prefix' : `${head.lengthBytes} bytes`;
      addError(pos, end, `a record cut short: ${end - pos} bytes where ${wanted} were expected`);
      pos = end;
      break;
    }
    // Resync: the next position that starts a plausible, non-empty record. Without isClosed,
    // a position that cannot be judged yet ends the bad region; framing resumes there.
    let next = pos + 1;
    for (; next < end; next++) {
      const candidate = readHead(bytes, next, end, maxRecordBytes);
      if (candidate.kind === 'record' && candidate.lengthBytes > LENGTH_PREFIX_BYTES) break;
      if (candidate.kind === 'short' && !isClosed) break;
    }
    addError(pos, next, head.reason);
    pos = next;
  }
  return { records: kept, errors, consumedBytes: pos, consumedLines: line - baseLine, pendingBytes };
}

/**
 * Frames length-prefixed records and decodes each payload (zstd, protobuf or JSON) into the
 * value the adapters read; a payload that does not decode is an error, and framing goes on.
 * The same result shape as frameJsonRecords, so the indexer can use either.
 */
export function frameLengthPrefixedRecords(
  bytes: Buffer,
  baseOffset: number,
  baseLine: number,
  isClosed: boolean,
  onRecord: (record: FramedRecord, encoding: PayloadEncoding) => void,
): FrameResult {
  const decodeErrors: FramingError[] = [];
  const framed = frameLengthPrefixed(bytes, baseOffset, baseLine, isClosed, (record) => {
    const decoded = decodeCollectorPayload(record.payload);
    if (decoded.ok) {
      onRecord({ offset: record.offset, lengthBytes: record.lengthBytes, line: record.line, value: decoded.value }, decoded.encoding);
    } else {
      const start = record.offset - baseOffset;
      decodeErrors.push({ offset: record.offset, lengthBytes: record.lengthBytes, line: record.line, reason: decoded.reason, excerpt: describeBytes(bytes, start, start + record.lengthBytes) });
    }
  });
  const errors = decodeErrors.length === 0 ? framed.errors : [...framed.errors, ...decodeErrors].sort((a, b) => a.offset - b.offset);
  return { records: [], errors, consumedBytes: framed.consumedBytes, consumedLines: framed.consumedLines };
}
