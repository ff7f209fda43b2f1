/**
 * The framer's fast path for OTel Python console spans: the native record scanner finds where
 * each record's indexed fields sit, and only those become JavaScript values (no JSON.parse of
 * the whole record, no events, links or payload attributes). What it yields is what the
 * JavaScript path yields for the same record: the scanner accepts only records it fully
 * understands, values are read with JSON's own rules, and the spans go through the same
 * normalizing and deriving. Records it refuses are framed and parsed in JavaScript as before.
 */
import type { AttributeValue } from '../../shared/model/attribute-value';
import type { SpanStatus } from '../../shared/model/span-type';
import type { RecordScannerAddon } from '../native/record-scanner-addon';
import { DERIVE_ATTRIBUTE_KEYS } from '../semantics/derive-span-fields';
import { adaptOtelConsoleFields } from './adapt-otel-console';
import type { RecordFastPath } from './frame-json-records';
import { toIndexableSpan, toIndexableSpanFrom, type IndexableSpan, type IngestResult } from './ingest-records';
import { repairSurrogates } from './parse-json-lenient';

// The scanner's output layout (native/record-scanner.c).
const R_START = 0;
const R_END = 1;
const R_LINE = 2;
const R_NAME = 3;
const R_TRACE = 6;
const R_SPAN = 9;
const R_PARENT = 12;
const R_START_TIME = 15;
const R_END_TIME = 18;
const R_STATUS_CODE = 21;
const R_STATUS_DESC = 24;
const R_KIND = 27;
const R_ATTR_FIRST = 30;
const R_ATTR_COUNT = 31;
const R_START_US = 32;
const R_END_US = 34;
const R_STATUS = 36;
const R_SLOTS = 40;
const A_KEY = 0;
const A_TYPE = 1;
const A_START = 2;
const A_END = 3;
const A_SLOTS = 4;
const F_NULL = 2;
const F_ESCAPED = 4;
const F_NON_ASCII = 8;
const F_HEX_ID = 32;
const F_ZERO_ID = 64;
const F_TIME = 128;
const F_SAME_AS_PREVIOUS = 256;
/** Span statuses by the scanner's status code (OTLP's numbers). */
const STATUSES: readonly SpanStatus[] = ['unset', 'ok', 'error'];
const T_STRING = 1;
const T_NUMBER = 2;
const T_TRUE = 3;
const T_FALSE = 4;
const T_NULL = 5;

/** Records per scanner call: its outputs are reused, so one call's spans are read before the next. */
const RECORDS_PER_CALL = 2048;
const ATTRIBUTES_PER_CALL = 32768;

const FORMAT = 'otel-console';

interface ScanBuffers {
  records: Int32Array;
  /** The same memory as `records`, for the time slots. */
  recordDoubles: Float64Array;
  attributes: Int32Array;
  numbers: Float64Array;
}

const prepared = new WeakMap<RecordScannerAddon, ScanBuffers>();

function buffersFor(addon: RecordScannerAddon): ScanBuffers {
  let buffers = prepared.get(addon);
  if (!buffers) {
    addon.setWantedKeys(DERIVE_ATTRIBUTE_KEYS);
    const records = new Int32Array(R_SLOTS * (RECORDS_PER_CALL + 1));
    buffers = {
      records,
      recordDoubles: new Float64Array(records.buffer),
      attributes: new Int32Array(A_SLOTS * ATTRIBUTES_PER_CALL),
      numbers: new Float64Array(ATTRIBUTES_PER_CALL),
    };
    prepared.set(addon, buffers);
  }
  return buffers;
}

/** Buffer's own reader of one-byte text: what toString('latin1') calls, without its argument checks. */
const latin1 = (bytes: Buffer, start: number, end: number): string => (bytes as Buffer & { latin1Slice(start: number, end: number): string }).latin1Slice(start, end);

/** A string value the scanner located: [start, end) of its contents, with its flags. */
function readString(bytes: Buffer, start: number, end: number, flags: number): string {
  // Escapes are decoded by JSON itself, quotes included, so every escape means what it meant.
  if (flags & F_ESCAPED) return JSON.parse(bytes.toString('utf8', start - 1, end + 1)) as string;
  return flags & F_NON_ASCII ? bytes.toString('utf8', start, end) : latin1(bytes, start, end);
}

/** A top-level field: undefined when absent, null when JSON null. */
function readField(bytes: Buffer, record: Int32Array, at: number, slot: number): string | null | undefined {
  const flags = record[at + slot + 2];
  if (flags === 0) return undefined;
  if (flags & F_NULL) return null;
  return readString(bytes, record[at + slot], record[at + slot + 1], flags);
}

/** What the previous record of the same scanner call read: its strings are reused where the scanner saw the same bytes. */
interface Previous {
  traceId: string | null;
  attributes: Record<string, AttributeValue> | null;
}

function readAttributes(bytes: Buffer, buffers: ScanBuffers, first: number, count: number, previous: Previous): Record<string, AttributeValue> {
  const attributes: Record<string, AttributeValue> = {};
  const { attributes: slots, numbers } = buffers;
  for (let i = first; i < first + count; i++) {
    const at = i * A_SLOTS;
    const key = DERIVE_ATTRIBUTE_KEYS[slots[at + A_KEY]];
    const type = slots[at + A_TYPE] & 0xf;
    let value: AttributeValue;
    const flags = slots[at + A_TYPE] >> 4;
    if (type === T_STRING) {
      value = flags & F_SAME_AS_PREVIOUS && previous.attributes !== null ? previous.attributes[key] : readString(bytes, slots[at + A_START], slots[at + A_END], flags);
    }
    else if (type === T_NUMBER) value = numbers[i];
    else if (type === T_TRUE) value = true;
    else if (type === T_FALSE) value = false;
    else if (type === T_NULL) value = null;
    else {
      const text = bytes.toString('utf8', slots[at + A_START], slots[at + A_END]);
      value = repairSurrogates(text, JSON.parse(text)) as AttributeValue;
    }
    attributes[key] = value;
  }
  return attributes;
}

/** True when an id field is hex as the index keeps it (or, for a parent, absent or null). */
const isPlainId = (flags: number, mayBeNone: boolean) => (flags & F_HEX_ID) !== 0 || (mayBeNone && (flags === 0 || (flags & F_NULL) !== 0));
/** True when a time field was read by the scanner, or is absent or null. */
const isPlainTime = (flags: number) => (flags & F_TIME) !== 0 || flags === 0 || (flags & F_NULL) !== 0;

/** The span of the record at `at` of the scanner's output; `previous` is then this record's. */
function readSpan(bytes: Buffer, buffers: ScanBuffers, at: number, baseOffset: number, recordLine: number, previous: Previous): IndexableSpan {
  const records = buffers.records;
  const start = records[at + R_START];
  const attributes = readAttributes(bytes, buffers, records[at + R_ATTR_FIRST], records[at + R_ATTR_COUNT], previous);
  previous.attributes = attributes;
  const parentFlags = records[at + R_PARENT + 2];
  const startFlags = records[at + R_START_TIME + 2];
  const endFlags = records[at + R_END_TIME + 2];
  const status = records[at + R_STATUS];
  const isPlain =
    isPlainId(records[at + R_TRACE + 2], false) && isPlainId(records[at + R_SPAN + 2], false) && isPlainId(parentFlags, true) && isPlainTime(startFlags) && isPlainTime(endFlags) && status >= 0;
  if (isPlain) {
    // What OTel Python writes: the scanner has already read ids, times and status.
    const doubles = buffers.recordDoubles;
    const essentials = {
      // Spans of one trace come in runs: the same string, made and hashed once.
      traceId:
        records[at + R_TRACE + 2] & F_SAME_AS_PREVIOUS && previous.traceId !== null ? previous.traceId : latin1(bytes, records[at + R_TRACE], records[at + R_TRACE + 1]),
      spanId: latin1(bytes, records[at + R_SPAN], records[at + R_SPAN + 1]),
      parentSpanId: parentFlags & F_HEX_ID && !(parentFlags & F_ZERO_ID) ? latin1(bytes, records[at + R_PARENT], records[at + R_PARENT + 1]) : null,
      name: readField(bytes, records, at, R_NAME) ?? '',
      status: STATUSES[status],
      startUs: startFlags & F_TIME ? doubles[(at + R_START_US) >> 1] : null,
      endUs: endFlags & F_TIME ? doubles[(at + R_END_US) >> 1] : null,
      attributes,
    };
    previous.traceId = essentials.traceId;
    return toIndexableSpanFrom(essentials, FORMAT, baseOffset + start, records[at + R_END] - start, recordLine, 0);
  }
  const span = adaptOtelConsoleFields({
    name: readField(bytes, records, at, R_NAME),
    traceId: readField(bytes, records, at, R_TRACE),
    spanId: readField(bytes, records, at, R_SPAN),
    parentId: readField(bytes, records, at, R_PARENT),
    kind: readField(bytes, records, at, R_KIND),
    startTime: readField(bytes, records, at, R_START_TIME),
    endTime: readField(bytes, records, at, R_END_TIME),
    status: { status_code: readField(bytes, records, at, R_STATUS_CODE), description: readField(bytes, records, at, R_STATUS_DESC) },
    attributes,
    events: [],
    links: [],
    resource: {},
  });
  previous.traceId = span.traceId;
  return toIndexableSpan(span, FORMAT, baseOffset + start, records[at + R_END] - start, recordLine, 0);
}

/**
 * A fast path for frameJsonRecords that indexes the console spans it accepts into `into`.
 * `baseOffset` is the file offset of `bytes[0]`.
 */
export function createOtelConsoleFastPath(addon: RecordScannerAddon, baseOffset: number, into: IngestResult): RecordFastPath {
  const buffers = buffersFor(addon);
  const { records } = buffers;
  return (bytes, pos, line) => {
    let accepted = 0;
    let stop = pos;
    let lines = 0;
    const previous: Previous = { traceId: null, attributes: null };
    for (;;) {
      const count = addon.scan(bytes, stop, bytes.length, records, buffers.attributes, buffers.numbers);
      // The scanner compares records within one call: nothing carries over to the next.
      previous.traceId = null;
      previous.attributes = null;
      for (let r = 1; r <= count; r++) {
        const at = r * R_SLOTS;
        try {
          into.spans.push(readSpan(bytes, buffers, at, baseOffset, line + lines + records[at + R_LINE], previous));
        } catch {
          // Reading it threw (deriving is written not to): hand this record and the rest to
          // the framer, whose JavaScript path reports it as an error record.
          if (!into.formats.has(FORMAT) && accepted + r > 1) into.formats.add(FORMAT);
          return { records: accepted + r - 1, stop: records[at + R_START], lines: lines + records[at + R_LINE] };
        }
      }
      if (count === 0) break;
      accepted += count;
      lines += records[1];
      stop = records[0];
      if (count < RECORDS_PER_CALL) break;
    }
    if (accepted > 0 && !into.formats.has(FORMAT)) into.formats.add(FORMAT);
    return { records: accepted, stop, lines };
  };
}
