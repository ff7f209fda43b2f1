/**
 * Splits a byte stream into top-level JSON values, whatever the framing: one object per line
 * (JSONL), pretty-printed objects written back to back (OTel Python's ConsoleSpanExporter), or
 * a mix. Works on bytes so every record keeps its exact byte offset and length in the file.
 *
 * Fast path: a value that starts at column 0 and fits on its line is handed to JSON.parse as
 * is. Otherwise a small state machine tracks strings and nesting depth to find the value's
 * end. A `{` at column 0 inside an unfinished object means the previous object was cut off
 * (a killed writer) — JSON strings cannot hold raw newlines and indented dumps never put
 * braces at column 0 — so the broken part becomes an error and framing resumes there.
 *
 * Node util.inspect output (OTel-JS's ConsoleSpanExporter, FORMATS.md §2) is read too, but only
 * where JSON did not apply: an object whose first key is not double-quoted, once both fast paths
 * have passed it by, or a scanned value JSON.parse refused (parseRecordText).
 *
 * The framer keeps no bytes itself: it reports how far it consumed, and the caller re-feeds
 * the unconsumed tail (a partial last record) together with the next bytes.
 */
import { describeCsvHeaderLine } from './frame-csv-records';
import { parseJsonLenient, repairSurrogates } from './parse-json-lenient';
import { parseNodeInspect } from './parse-node-inspect';


export interface FramedRecord {
  /** Absolute byte offset of the record's first byte. */
  offset: number;
  lengthBytes: number;
  /** 1-based line of the record's first byte. */
  line: number;
  /** The parsed value. */
  value: unknown;
}

export interface FramingError {
  offset: number;
  lengthBytes: number;
  line: number;
  reason: string;
  excerpt: string;
}

/**
 * Reads records itself from `pos` (a `{` on line `line`) on, for formats it can read faster than
 * JSON.parse: how many it took, where it stopped, and the line breaks it passed. Zero records:
 * the framer reads the next record as usual.
 */
export type RecordFastPath = (bytes: Buffer, pos: number, line: number) => { records: number; stop: number; lines: number };

export interface FrameResult {
  records: FramedRecord[];
  errors: FramingError[];
  /** Bytes of the input that were fully handled; the rest is a partial record to re-feed. */
  consumedBytes: number;
  /** Newlines within the consumed bytes. */
  consumedLines: number;
}

const NEWLINE = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const EXCERPT_BYTES = 160;

/** Newlines in bytes[start, end). */
function countNewlines(bytes: Buffer, start: number, end: number): number {
  let count = 0;
  for (let i = bytes.indexOf(NEWLINE, start); i !== -1 && i < end; i = bytes.indexOf(NEWLINE, i + 1)) count++;
  return count;
}

/**
 * The end (exclusive) of an indented dump starting at `pos`: just after the first `}` at
 * column 0 that ends its line, or -1. json.dumps(indent=…) closes only the top-level object
 * at column 0, so this is the record's end whenever the record is intact.
 */
function findIndentedEnd(bytes: Buffer, pos: number): number {
  for (let at = bytes.indexOf('\n}', pos); at !== -1; at = bytes.indexOf('\n}', at + 2)) {
    const next = at + 2;
    if (next === bytes.length || bytes[next] === NEWLINE || bytes[next] === 0x0d) return next;
  }
  return -1;
}

function isBlank(byte: number): boolean {
  return byte === SPACE || byte === NEWLINE || byte === CR || byte === TAB;
}

/**
 * A `{` whose first key is not a JSON string: util.inspect writes keys bare or single-quoted
 * (`{ a: 1 }`, `{\n  'service.name': …`), JSON always double-quotes them. (A first key holding
 * a `'` is double-quoted by inspect too; such a record is read if the JSON scanner frames it.)
 */
function isInspectStart(bytes: Buffer, pos: number): boolean {
  let at = pos + 1;
  while (at < bytes.length && isBlank(bytes[at])) at++;
  return at < bytes.length && bytes[at] !== QUOTE && bytes[at] !== CLOSE_BRACE;
}

type InspectFraming =
  | { kind: 'record'; stop: number; value: unknown }
  | { kind: 'error'; stop: number; errorEnd: number; reason: string }
  | { kind: 'partial' }
  | { kind: 'not-inspect' };

/**
 * Frames a util.inspect record starting with `{` (at column 0 as printed). On one line it ends
 * there; printed over several, its `{` ends the first line and it ends at the first line that
 * is just `}`, since inspect indents every inner line and escapes line breaks inside strings. So
 * any other text at column 0 before that means the record was cut off (a killed writer).
 * A one-line text that does not parse is left to the JSON scanner, as before.
 */
function frameInspectRecord(bytes: Buffer, pos: number, isFinal: boolean): InspectFraming {
  const end = bytes.length;
  const newline = bytes.indexOf(NEWLINE, pos);
  let lineEnd = newline === -1 ? end : newline;
  while (lineEnd > pos + 1 && isBlank(bytes[lineEnd - 1])) lineEnd--;
  if (lineEnd > pos + 1) {
    if (newline === -1 && !isFinal) return { kind: 'partial' };
    if (bytes[lineEnd - 1] !== CLOSE_BRACE) return { kind: 'not-inspect' };
    const parsed = parseNodeInspect(bytes.toString('utf8', pos, lineEnd));
    return parsed.isOk ? { kind: 'record', stop: lineEnd, value: parsed.value } : { kind: 'not-inspect' };
  }
  for (let at = newline; at !== -1 && at + 1 < end; at = bytes.indexOf(NEWLINE, at + 1)) {
    const first = bytes[at + 1];
    if (isBlank(first)) continue;
    if (first === CLOSE_BRACE && (at + 2 === end || bytes[at + 2] === NEWLINE || bytes[at + 2] === CR)) {
      if (at + 2 === end && !isFinal) return { kind: 'partial' }; // the line may go on
      const stop = at + 2;
      const parsed = parseNodeInspect(bytes.toString('utf8', pos, stop));
      if (parsed.isOk) return { kind: 'record', stop, value: parsed.value };
      return { kind: 'error', stop, errorEnd: stop, reason: `not JSON, nor readable Node inspect output: ${parsed.reason}` };
    }
    let errorEnd = at;
    while (errorEnd > pos && isBlank(bytes[errorEnd - 1])) errorEnd--;
    return { kind: 'error', stop: at + 1, errorEnd, reason: 'incomplete record: a new record starts before this one ends' };
  }
  if (!isFinal) return { kind: 'partial' };
  return { kind: 'error', stop: end, errorEnd: end, reason: 'incomplete record at end of file' };
}

/**
 * Parses one record's text as framing does: JSON (bare NaN/Infinity tolerated), else Node
 * util.inspect output. Throws when it is neither; used to read a record back for its detail.
 */
export function parseRecordText(text: string): unknown {
  try {
    return parseJsonLenient(text);
  } catch (error) {
    const parsed = text.trimStart().startsWith('{') ? parseNodeInspect(text) : null;
    if (parsed?.isOk) return parsed.value;
    throw error;
  }
}

/** The first bytes of a span of the buffer, as readable text for an error message. */
export function makeExcerpt(bytes: Buffer, start: number, end: number): string {
  const text = bytes.toString('utf8', start, Math.min(end, start + EXCERPT_BYTES));
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * Frames the complete JSON values in `bytes`, which starts at absolute `baseOffset` on line
 * `baseLine`. With `isFinal`, a trailing incomplete value is reported as an error instead of
 * being left unconsumed. With `onRecord`, records are handed over one by one and not kept
 * (so their parsed values can die young); otherwise they are returned. With `fastPath`, records
 * it accepts are its own (never passed to `onRecord`); once it has refused a piece's first
 * record it is not asked again for that piece (another format, most likely).
 */
export function frameJsonRecords(
  bytes: Buffer,
  baseOffset: number,
  baseLine: number,
  isFinal: boolean,
  onRecord?: (record: FramedRecord) => void,
  fastPath?: RecordFastPath,
): FrameResult {
  const kept: FramedRecord[] = [];
  const records = onRecord ? { push: onRecord } : kept;
  const errors: FramingError[] = [];
  const end = bytes.length;
  let pos = 0;
  let line = baseLine;
  let consumedBytes = 0;
  let consumedLines = 0;
  let hasFastRecords = false;

  // A UTF-8 byte order mark at the very start of the file is not data.
  if (baseOffset === 0 && end >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    pos = 3;
    consumedBytes = 3;
  }

  const addError = (start: number, stop: number, startLine: number, reason: string) => {
    errors.push({
      offset: baseOffset + start,
      lengthBytes: stop - start,
      line: startLine,
      reason,
      excerpt: makeExcerpt(bytes, start, stop),
    });
  };

  // Lone-surrogate repair walks values; skip it for the (usual) chunk without any \uD8xx escape.
  // Looked for once, when a record is first parsed here (a fast path may have read them all).
  let mayHaveSurrogates: boolean | undefined;
  const parseFast = (text: string): unknown => {
    mayHaveSurrogates ??= bytes.indexOf('\\ud') !== -1 || bytes.indexOf('\\uD') !== -1;
    return mayHaveSurrogates ? repairSurrogates(text, JSON.parse(text)) : JSON.parse(text);
  };

  const parseInto = (start: number, stop: number, startLine: number) => {
    const text = bytes.toString('utf8', start, stop);
    try {
      records.push({ offset: baseOffset + start, lengthBytes: stop - start, line: startLine, value: parseRecordText(text) });
    } catch (error) {
      addError(start, stop, startLine, `invalid JSON: ${(error as Error).message}`);
    }
  };

  while (pos < end) {
    const byte = bytes[pos];
    if (isBlank(byte)) {
      if (byte === NEWLINE) line++;
      pos++;
      consumedBytes = pos;
      consumedLines = line - baseLine;
      continue;
    }
    if (fastPath !== undefined && byte === OPEN_BRACE) {
      const fast = fastPath(bytes, pos, line);
      if (fast.records > 0) {
        hasFastRecords = true;
        pos = fast.stop;
        line += fast.lines;
        consumedBytes = pos;
        consumedLines = line - baseLine;
        continue;
      }
      if (!hasFastRecords) fastPath = undefined;
    }
    const atLineStart = pos === 0 || bytes[pos - 1] === NEWLINE;

    if (byte !== OPEN_BRACE && byte !== OPEN_BRACKET) {
      // Not the start of a JSON value: noise (a log line, a prompt). Skip the line.
      const newline = bytes.indexOf(NEWLINE, pos);
      if (newline === -1 && !isFinal) break;
      const stop = newline === -1 ? end : newline;
      // A file's first line of column names is a CSV no adapter knows (Langfuse CSV is framed apart).
      const csvReason = line === 1 ? describeCsvHeaderLine(bytes.toString('utf8', pos, stop)) : null;
      addError(pos, stop, line, csvReason ?? 'not JSON: a line that does not start a JSON object or array');
      pos = stop;
      consumedBytes = pos;
      consumedLines = line - baseLine;
      continue;
    }

    // Fast path: the whole value on one line (JSONL).
    if (atLineStart) {
      const newline = bytes.indexOf(NEWLINE, pos);
      if (newline !== -1) {
        let stop = newline;
        while (stop > pos && isBlank(bytes[stop - 1])) stop--;
        const last = bytes[stop - 1];
        if ((byte === OPEN_BRACE && last === CLOSE_BRACE) || (byte === OPEN_BRACKET && last === CLOSE_BRACKET)) {
          const text = bytes.toString('utf8', pos, stop);
          let value: unknown;
          let isParsed = false;
          try {
            value = parseFast(text);
            isParsed = true;
          } catch {
            // Not a one-line value after all (or NaN inside): let the scanner decide.
          }
          if (isParsed) {
            records.push({ offset: baseOffset + pos, lengthBytes: stop - pos, line, value });
            pos = newline;
            consumedBytes = pos;
            consumedLines = line - baseLine;
            continue;
          }
        }
      }
    }

    // Fast path: an indented dump (OTel Python's console exporter) ends at a `}` at column 0.
    if (atLineStart && byte === OPEN_BRACE && (bytes[pos + 1] === NEWLINE || bytes[pos + 1] === CR)) {
      const stop = findIndentedEnd(bytes, pos);
      if (stop !== -1) {
        let value: unknown;
        let isParsed = false;
        try {
          value = parseFast(bytes.toString('utf8', pos, stop));
          isParsed = true;
        } catch {
          // Broken, or NaN inside: the scanner decides.
        }
        if (isParsed) {
          records.push({ offset: baseOffset + pos, lengthBytes: stop - pos, line, value });
          line += countNewlines(bytes, pos, stop);
          pos = stop;
          consumedBytes = pos;
          consumedLines = line - baseLine;
          continue;
        }
      }
    }

    // Node util.inspect output (OTel-JS's console exporter): reached only once JSON did not apply.
    // Not tied to the line start: a re-fed chunk's first byte may sit mid-line.
    if (byte === OPEN_BRACE && isInspectStart(bytes, pos)) {
      const framed = frameInspectRecord(bytes, pos, isFinal);
      if (framed.kind === 'partial') break; // re-fed with more bytes later
      if (framed.kind !== 'not-inspect') {
        const stop = framed.stop;
        if (framed.kind === 'record') records.push({ offset: baseOffset + pos, lengthBytes: stop - pos, line, value: framed.value });
        else addError(pos, framed.errorEnd, line, framed.reason);
        line += countNewlines(bytes, pos, stop);
        pos = stop;
        consumedBytes = pos;
        consumedLines = line - baseLine;
        continue;
      }
    }

    // Scanner: find the end of the value starting at pos.
    const start = pos;
    const startLine = line;
    const isObject = byte === OPEN_BRACE;
    let depth = 0;
    let inString = false;
    let stringBroken = false;
    let restartAt = -1;
    let stop = -1;
    let scanLine = line;
    let i = pos;
    for (; i < end; i++) {
      const b = bytes[i];
      if (inString) {
        if (b === BACKSLASH) i++;
        else if (b === QUOTE) inString = false;
        else if (b === NEWLINE) {
          // A raw newline cannot be inside a JSON string: the value is broken.
          inString = false;
          stringBroken = true;
          scanLine++;
          if (i + 1 < end && bytes[i + 1] === OPEN_BRACE && isObject) {
            restartAt = i + 1;
            break;
          }
        }
        continue;
      }
      if (b === QUOTE) inString = true;
      else if (b === OPEN_BRACE || b === OPEN_BRACKET) depth++;
      else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) {
        depth--;
        if (depth === 0) {
          stop = i + 1;
          break;
        }
      } else if (b === NEWLINE) {
        scanLine++;
        if (isObject && i + 1 < end && bytes[i + 1] === OPEN_BRACE) {
          restartAt = i + 1;
          break;
        }
      }
    }

    if (restartAt !== -1) {
      let errorEnd = restartAt;
      while (errorEnd > start && isBlank(bytes[errorEnd - 1])) errorEnd--;
      addError(start, errorEnd, startLine, 'incomplete JSON record: a new record starts before this one ends');
      pos = restartAt;
      line = scanLine;
      consumedBytes = pos;
      consumedLines = line - baseLine;
      continue;
    }
    if (stop === -1) {
      if (!isFinal) break; // partial record: re-fed with more bytes later
      addError(start, end, startLine, 'incomplete JSON record at end of file');
      pos = end;
      line = scanLine;
      consumedBytes = pos;
      consumedLines = line - baseLine;
      continue;
    }
    if (stringBroken) addError(start, stop, startLine, 'invalid JSON: a string contains a raw line break');
    else parseInto(start, stop, startLine);
    pos = stop;
    line = scanLine;
    consumedBytes = pos;
    consumedLines = line - baseLine;
  }

  return { records: kept, errors, consumedBytes, consumedLines };
}
