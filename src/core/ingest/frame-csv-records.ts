/**
 * Frames CSV text (RFC 4180) into one object per data row, keyed by the header row's column
 * names, the way Langfuse's blob-storage export writes its `traces/`, `observations/` and
 * `scores/` files as CSV (FORMATS.md §5.3): every field quoted, `"` doubled inside, JSON-looking
 * columns (metadata, input, output, usage_details, tags …) written as JSON text, null as an empty
 * field. Values stay the strings they are; decoding JSON text is left to the adapters.
 *
 * Fields may be quoted or bare; a quoted field may hold commas, doubled quotes and line breaks, so
 * a row ends only at a line break outside quotes (LF or CRLF). A UTF-8 BOM at the file's start is
 * skipped. Blank lines are not rows. The row at the file's start is the header; a piece that starts
 * further on is given the header by its caller (the tailer reads it once per file).
 *
 * Like the JSON framer it keeps no bytes: it reports how far it consumed, and a row its writer has
 * not finished (no line break yet, or a quoted field still open) stays unconsumed until more bytes
 * come, or is an error once nothing more can come. Each record keeps its exact byte offset, length
 * (without its line break) and first line, so it can be read back for its detail. It never throws.
 */
import type { FrameResult, FramedRecord, FramingError } from './frame-json-records';

const NEWLINE = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const COMMA = 0x2c;
const EXCERPT_BYTES = 160;

type CsvRow =
  /** `stop`: just past the row's last field (before its line break); `next`: where the next row starts. */
  | { kind: 'row'; fields: string[]; stop: number; next: number; lines: number }
  /** The bytes end inside the row: more may come. */
  | { kind: 'partial' }
  /** The bytes end inside a quoted field and nothing more can come. */
  | { kind: 'unclosed' };

/**
 * Reads the row starting at `pos`. With `isFinal`, the end of the bytes ends a row that has no
 * line break; otherwise such a row is partial. Text after a closing quote, up to the next comma or
 * line break, is kept as part of the field (lenient: a writer that did not quote correctly).
 */
function readRow(bytes: Buffer, pos: number, end: number, isFinal: boolean): CsvRow {
  const fields: string[] = [];
  let lines = 0;
  let at = pos;
  for (;;) {
    if (at < end && bytes[at] === QUOTE) {
      let text = '';
      let from = at + 1;
      let close = -1;
      for (;;) {
        const quote = bytes.indexOf(QUOTE, from);
        if (quote === -1 || quote >= end) break;
        if (quote + 1 < end && bytes[quote + 1] === QUOTE) {
          text += bytes.toString('utf8', from, quote + 1);
          from = quote + 2;
          continue;
        }
        if (quote + 1 === end && !isFinal) break; // a doubled quote may be cut in two
        text += bytes.toString('utf8', from, quote);
        close = quote;
        break;
      }
      if (close === -1) return isFinal ? { kind: 'unclosed' } : { kind: 'partial' };
      lines += countNewlines(bytes, at, close);
      at = close + 1;
      // Anything between the closing quote and the delimiter belongs to the field.
      let stop = at;
      while (stop < end && bytes[stop] !== COMMA && bytes[stop] !== NEWLINE) stop++;
      let tail = stop;
      if (stop < end && bytes[stop] === NEWLINE && tail > at && bytes[tail - 1] === CR) tail--;
      else if (stop === end && tail > at && bytes[tail - 1] === CR) tail--;
      if (tail > at) text += bytes.toString('utf8', at, tail);
      fields.push(text);
      at = stop;
    } else {
      let stop = at;
      while (stop < end && bytes[stop] !== COMMA && bytes[stop] !== NEWLINE && bytes[stop] !== QUOTE) stop++;
      if (stop < end && bytes[stop] === QUOTE) {
        // A quote inside a bare field is kept as text (lenient); read on to the delimiter.
        while (stop < end && bytes[stop] !== COMMA && bytes[stop] !== NEWLINE) stop++;
      }
      let tail = stop;
      if (tail > at && bytes[tail - 1] === CR && (stop === end || bytes[stop] === NEWLINE)) tail--;
      fields.push(bytes.toString('utf8', at, tail));
      at = stop;
    }
    if (at >= end) {
      if (!isFinal) return { kind: 'partial' };
      return { kind: 'row', fields, stop: trimCr(bytes, pos, end), next: end, lines };
    }
    if (bytes[at] === NEWLINE) return { kind: 'row', fields, stop: trimCr(bytes, pos, at), next: at + 1, lines: lines + 1 };
    at++; // a comma
  }
}

/** `stop`, moved before a CR that ends the row. */
function trimCr(bytes: Buffer, start: number, stop: number): number {
  return stop > start && bytes[stop - 1] === CR ? stop - 1 : stop;
}

function countNewlines(bytes: Buffer, start: number, end: number): number {
  let count = 0;
  for (let i = bytes.indexOf(NEWLINE, start); i !== -1 && i < end; i = bytes.indexOf(NEWLINE, i + 1)) count++;
  return count;
}

/** The row as an object keyed by the header (a key named `__proto__` stays a plain key). */
function toRecordValue(header: readonly string[], fields: readonly string[]): Record<string, string> {
  const entries: [string, string][] = new Array(header.length);
  for (let i = 0; i < header.length; i++) entries[i] = [header[i], fields[i]];
  return Object.fromEntries(entries);
}

function isBomAt(bytes: Buffer, pos: number): boolean {
  return bytes.length >= pos + 3 && bytes[pos] === 0xef && bytes[pos + 1] === 0xbb && bytes[pos + 2] === 0xbf;
}

/**
 * Frames the CSV rows in `bytes`, which start at absolute `baseOffset` (a row boundary) on line
 * `baseLine`. At offset 0 the first row is the header; elsewhere `header` must be given. With
 * `isFinal`, a row cut short at the end is a record (no line break) or an error (a quote left
 * open) instead of pending. With `onRecord`, records are handed over one by one and not kept.
 */
export function frameCsvRecords(
  bytes: Buffer,
  baseOffset: number,
  baseLine: number,
  isFinal: boolean,
  header: readonly string[] | null,
  onRecord?: (record: FramedRecord) => void,
): FrameResult {
  const kept: FramedRecord[] = [];
  const emit = onRecord ?? ((record: FramedRecord) => void kept.push(record));
  const errors: FramingError[] = [];
  const end = bytes.length;
  let pos = 0;
  let line = baseLine;
  let columns = header;
  let isHeaderNext = baseOffset === 0;
  if (baseOffset === 0 && isBomAt(bytes, 0)) pos = 3;

  const addError = (start: number, stop: number, startLine: number, reason: string) => {
    const text = bytes.toString('utf8', start, Math.min(stop, start + EXCERPT_BYTES)).replace(/\s+/g, ' ').trim();
    errors.push({ offset: baseOffset + start, lengthBytes: stop - start, line: startLine, reason, excerpt: text });
  };

  while (pos < end) {
    // Blank lines are not rows.
    if (bytes[pos] === NEWLINE) {
      pos++;
      line++;
      continue;
    }
    if (bytes[pos] === CR && (pos + 1 === end || bytes[pos + 1] === NEWLINE)) {
      if (pos + 1 === end) {
        if (!isFinal) break; // its LF may follow
        pos++;
        continue;
      }
      pos += 2;
      line++;
      continue;
    }
    const row = readRow(bytes, pos, end, isFinal);
    if (row.kind === 'partial') break;
    if (row.kind === 'unclosed') {
      addError(pos, end, line, 'incomplete CSV row at end of file: a quoted field is not closed');
      line += countNewlines(bytes, pos, end);
      pos = end;
      break;
    }
    if (isHeaderNext) {
      isHeaderNext = false;
      columns ??= row.fields;
    } else if (columns === null) {
      addError(pos, row.stop, line, 'a CSV row read without its header row');
    } else if (row.fields.length !== columns.length) {
      addError(pos, row.stop, line, `a CSV row with ${row.fields.length} fields where the header has ${columns.length}`);
    } else {
      emit({ offset: baseOffset + pos, lengthBytes: row.stop - pos, line, value: toRecordValue(columns, row.fields) });
    }
    line += row.lines;
    pos = row.next;
  }
  return { records: kept, errors, consumedBytes: pos, consumedLines: line - baseLine };
}

/** The fields of the first row of `bytes` (after a BOM): null when it has no line break yet, unless `isComplete`. */
export function readCsvHeaderRow(bytes: Buffer, isComplete: boolean): string[] | null {
  let pos = isBomAt(bytes, 0) ? 3 : 0;
  while (pos < bytes.length && (bytes[pos] === NEWLINE || bytes[pos] === CR)) pos++;
  if (pos >= bytes.length) return null;
  const row = readRow(bytes, pos, bytes.length, isComplete);
  return row.kind === 'row' ? row.fields : null;
}

/** One row read back at its offset (its bytes, with or without the line break), keyed by `header`; null when it is not one such row. */
export function parseCsvRecord(record: Buffer, header: readonly string[]): Record<string, string> | null {
  const row = readRow(record, 0, record.length, true);
  if (row.kind !== 'row' || row.fields.length !== header.length) return null;
  if (row.next < record.length) return null;
  return toRecordValue(header, row.fields);
}

/** Column names as they would start a CSV file: plain identifiers, at least two of them. */
const COLUMN_NAME = /^[A-Za-z_][\w.-]{0,63}$/;

/**
 * When a text line (a file's first) reads as a CSV header of plain column names, the reason it is
 * not a trace record, naming its columns; else null. Used for CSV files of columns no adapter knows.
 */
export function describeCsvHeaderLine(text: string): string | null {
  const fields = readCsvHeaderRow(Buffer.from(text, 'utf8'), true);
  if (!fields || fields.length < 2) return null;
  const names = fields.map((field) => field.trim());
  if (!names.every((name) => COLUMN_NAME.test(name))) return null;
  const shown = names.slice(0, 8).join(', ');
  return `not a trace format Tracelight knows: CSV columns ${shown}${names.length > 8 ? ', …' : ''}`;
}

/**
 * The end (exclusive) of the last complete row in bytes[0, length), which start at a row
 * boundary (after a BOM, at the file's start): just after the last line break outside a quoted
 * field, or -1. Quotes follow readRow's rules: a quote opens a quoted field only at a field's
 * start (the row's start, or just after a comma or line break); elsewhere it is text (`5" screen`,
 * or text after a closing quote). Inside a quoted field `""` is a quote, and a lone `"` closes it.
 */
export function findLastCsvRowEnd(bytes: Buffer, length: number): number {
  const start = length >= 3 && isBomAt(bytes, 0) ? 3 : 0;
  const isFieldStart = (at: number) => at === start || bytes[at - 1] === COMMA || bytes[at - 1] === NEWLINE;
  let last = -1;
  let at = start;
  for (;;) {
    // The next quote that opens a quoted field; the quotes before it are text.
    let open = bytes.indexOf(QUOTE, at);
    while (open !== -1 && open < length && !isFieldStart(open)) open = bytes.indexOf(QUOTE, open + 1);
    if (open === -1 || open > length) open = length;
    const newline = open > at ? bytes.lastIndexOf(NEWLINE, open - 1) : -1;
    if (newline >= at) last = newline;
    if (open >= length) break;
    let close = -1;
    for (let from = open + 1; ; ) {
      const quote = bytes.indexOf(QUOTE, from);
      if (quote === -1 || quote >= length) break; // inside the quoted field until the end
      if (quote + 1 < length && bytes[quote + 1] === QUOTE) {
        from = quote + 2;
        continue;
      }
      close = quote;
      break;
    }
    if (close === -1) break;
    at = close + 1;
  }
  return last === -1 ? -1 : last + 1;
}
