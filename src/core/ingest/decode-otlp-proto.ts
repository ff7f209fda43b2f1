/**
 * Decodes the payload of one OpenTelemetry Collector file-exporter record (FORMATS.md §3): a
 * protobuf `ExportTraceServiceRequest` (wire-identical to `TracesData`), or the same request as
 * OTLP/JSON text, either one possibly compressed as a zstd frame (`compression: zstd`). A
 * protobuf message becomes the object OTLP/JSON would have spelt (lowerCamelCase keys, ids as
 * lower-case hex, 64-bit integers as decimal strings, enums as integers, `bytesValue` as base64),
 * so the OTLP/JSON adapter reads both encodings with the same code.
 *
 * protobufjs (light build, no .proto parser) decodes with the embedded descriptor; fzstd is a
 * pure-JS zstd decompressor (Node 20 has no zstd in zlib).
 */
import { decompress as decompressZstd } from 'fzstd';
import { Root, type Type } from 'protobufjs/light';
import { parseJsonLenient } from './parse-json-lenient';
import { OTLP_TRACE_DESCRIPTOR, TRACES_DATA_TYPE } from './otlp-trace-descriptor';

type Json = Record<string, unknown>;

/** How a record's payload was written: the message encoding, and whether it was a zstd frame. */
export type PayloadEncoding = 'proto' | 'proto+zstd' | 'json' | 'json+zstd';

export type DecodedPayload = { ok: true; value: unknown; encoding: PayloadEncoding } | { ok: false; reason: string; encoding: PayloadEncoding | null };

/** A zstd frame starts with 28 B5 2F FD (RFC 8878 §3.1.1). */
export const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd] as const;

/** Larger decompressed payloads are refused rather than allocated (a corrupt or hostile header). */
const MAX_DECOMPRESSED_BYTES = 512 * 1024 * 1024;

let tracesDataType: Type | null = null;

function getTracesDataType(): Type {
  tracesDataType ??= Root.fromJSON(OTLP_TRACE_DESCRIPTOR).lookupType(TRACES_DATA_TYPE);
  return tracesDataType;
}

export function isZstdFrame(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && ZSTD_MAGIC.every((byte, i) => bytes[i] === byte);
}

/**
 * The decompressed size a zstd frame header announces (its content size, else its window
 * size), or null when the header is cut short. RFC 8878 §3.1.1.1.
 */
function readZstdDeclaredSize(bytes: Uint8Array): number | null {
  if (bytes.length < 6) return null;
  const descriptor = bytes[4];
  const contentSizeFlag = descriptor >> 6;
  const isSingleSegment = ((descriptor >> 5) & 1) === 1;
  const dictionaryIdBytes = [0, 1, 2, 4][descriptor & 3];
  let at = 5;
  let windowBytes = 0;
  if (!isSingleSegment) {
    const exponent = bytes[at] >> 3;
    const base = 2 ** (10 + exponent);
    windowBytes = base + (base / 8) * (bytes[at] & 7);
    at++;
  }
  at += dictionaryIdBytes;
  const sizeBytes = contentSizeFlag === 0 ? (isSingleSegment ? 1 : 0) : 1 << contentSizeFlag;
  if (bytes.length < at + sizeBytes) return null;
  let contentBytes = 0;
  for (let i = sizeBytes - 1; i >= 0; i--) contentBytes = contentBytes * 256 + bytes[at + i];
  if (sizeBytes === 2) contentBytes += 256;
  return sizeBytes > 0 ? contentBytes : windowBytes;
}

function isJsonText(bytes: Uint8Array): boolean {
  let i = 0;
  // A BOM, then blanks, then an object or array.
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) i = 3;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)) i++;
  return bytes[i] === 0x7b || bytes[i] === 0x5b;
}

function toHex(base64: unknown): unknown {
  return typeof base64 === 'string' ? Buffer.from(base64, 'base64').toString('hex') : base64;
}

function convertIds(object: Json | undefined): void {
  if (!object) return;
  for (const key of ['traceId', 'spanId', 'parentSpanId']) if (key in object) object[key] = toHex(object[key]);
}

/**
 * Decodes protobuf `TracesData` / `ExportTraceServiceRequest` bytes into the OTLP/JSON object
 * shape. Throws on bytes that are not a valid message.
 */
export function decodeOtlpTracesProto(bytes: Uint8Array): Json {
  const type = getTracesDataType();
  const message = type.decode(bytes);
  const value = type.toObject(message, { longs: String, bytes: String, json: true }) as Json;
  // An empty message is still a request, with no spans.
  if (!Array.isArray(value.resourceSpans)) value.resourceSpans = [];
  for (const resourceSpans of value.resourceSpans as Json[]) {
    for (const scopeSpans of (resourceSpans.scopeSpans as Json[] | undefined) ?? []) {
      for (const span of (scopeSpans.spans as Json[] | undefined) ?? []) {
        convertIds(span);
        for (const link of (span.links as Json[] | undefined) ?? []) convertIds(link);
      }
    }
  }
  return value;
}

/** Decompresses (zstd) and decodes one record's payload; never throws. */
export function decodeCollectorPayload(payload: Uint8Array): DecodedPayload {
  let bytes = payload;
  const isZstd = isZstdFrame(payload);
  if (isZstd) {
    const declared = readZstdDeclaredSize(payload);
    if (declared === null) return { ok: false, reason: 'a zstd frame cut short in its header', encoding: null };
    if (declared > MAX_DECOMPRESSED_BYTES) return { ok: false, reason: `a zstd frame announcing ${declared} bytes, more than this reader accepts`, encoding: null };
    try {
      bytes = decompressZstd(payload);
    } catch (error) {
      return { ok: false, reason: `a zstd frame that does not decompress: ${(error as Error).message}`, encoding: null };
    }
  }
  const isJson = isJsonText(bytes);
  const encoding: PayloadEncoding = `${isJson ? 'json' : 'proto'}${isZstd ? '+zstd' : ''}` as PayloadEncoding;
  try {
    const value = isJson ? parseJsonLenient(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')) : decodeOtlpTracesProto(bytes);
    return { ok: true, value, encoding };
  } catch (error) {
    const what = isJson ? 'OTLP/JSON text that does not parse' : 'not a protobuf OTLP trace request';
    return { ok: false, reason: `${what}${isZstd ? ' (after zstd)' : ''}: ${(error as Error).message}`, encoding };
  }
}

/**
 * The format name a record's spans are reported under: the adapter's name, with `otlp-proto`
 * for a protobuf message and `+zstd` for a compressed one ("otlp-proto+zstd").
 */
export function describePayloadFormat(adaptedFormat: string, encoding: PayloadEncoding): string {
  const base = encoding.startsWith('proto') ? 'otlp-proto' : adaptedFormat;
  return encoding.endsWith('+zstd') ? `${base}+zstd` : base;
}
