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

/**
 * The most bytes one record's zstd payload may decompress to, summed over all its frames. One
 * record is one Collector export request: the Collector's receivers accept 4 MiB (gRPC) or
 * 20 MiB (HTTP) per request by default, so 256 MiB leaves a wide margin while keeping the peak
 * (the frames' buffers plus their concatenation, twice the cap) affordable, and below V8's
 * longest string (2^29 - 24 UTF-16 units) so a JSON payload at the cap still becomes a string.
 */
export const MAX_DECOMPRESSED_BYTES = 256 * 1024 * 1024;

/**
 * fzstd decodes a frame without a content size through a window buffer that it shifts by the
 * whole window once per block, so its cost is (blocks + 1) x window bytes copied, however little
 * the blocks hold: 1 MB of 4-byte blocks under a 256 MiB window would copy 64 TB. That copying
 * is capped at this many times the output cap (4 GiB by default, a fraction of a second; a
 * stream compressed at zstd's default level, with a 2 MiB window, fits up to the output cap).
 */
const WINDOW_COPY_FACTOR = 16;

/** A zstd block holds at most 128 KiB once decompressed (RFC 8878 §3.1.1.2.4). */
const ZSTD_BLOCK_MAX_BYTES = 128 * 1024;

export interface DecodePayloadOptions {
  /** The decompressed-size cap for a zstd payload; MAX_DECOMPRESSED_BYTES unless a test lowers it. */
  maxDecompressedBytes?: number;
}

let tracesDataType: Type | null = null;

function getTracesDataType(): Type {
  tracesDataType ??= Root.fromJSON(OTLP_TRACE_DESCRIPTOR).lookupType(TRACES_DATA_TYPE);
  return tracesDataType;
}

export function isZstdFrame(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && ZSTD_MAGIC.every((byte, i) => bytes[i] === byte);
}

type ZstdFrameHeader = { headerBytes: number; contentBytes: number | null; windowBytes: number; hasChecksum: boolean };

/**
 * The header of the zstd frame at `at` (RFC 8878 §3.1.1.1): its length, its content size when
 * it has one, its window size (the content size for a single-segment frame), and whether a
 * checksum ends the frame; null when the header is cut short.
 */
function readZstdFrameHeader(bytes: Uint8Array, at: number): ZstdFrameHeader | null {
  if (bytes.length < at + 6) return null;
  const descriptor = bytes[at + 4];
  const contentSizeFlag = descriptor >> 6;
  const isSingleSegment = ((descriptor >> 5) & 1) === 1;
  const dictionaryIdBytes = [0, 1, 2, 4][descriptor & 3];
  let i = at + 5;
  let windowBytes = 0;
  if (!isSingleSegment) {
    const exponent = bytes[i] >> 3;
    const base = 2 ** (10 + exponent);
    windowBytes = base + (base / 8) * (bytes[i] & 7);
    i++;
  }
  i += dictionaryIdBytes;
  const sizeBytes = contentSizeFlag === 0 ? (isSingleSegment ? 1 : 0) : 1 << contentSizeFlag;
  if (bytes.length < i + sizeBytes) return null;
  let contentBytes = 0;
  for (let k = sizeBytes - 1; k >= 0; k--) contentBytes = contentBytes * 256 + bytes[i + k];
  if (sizeBytes === 2) contentBytes += 256;
  return {
    headerBytes: i + sizeBytes - at,
    contentBytes: sizeBytes > 0 ? contentBytes : null,
    windowBytes: isSingleSegment ? contentBytes : windowBytes,
    hasChecksum: ((descriptor >> 2) & 1) === 1,
  };
}

const isSkippableFrame = (bytes: Uint8Array, at: number) => (bytes[at] & 0xf0) === 0x50 && bytes[at + 1] === 0x2a && bytes[at + 2] === 0x4d && bytes[at + 3] === 0x18;
const isZstdFrameAt = (bytes: Uint8Array, at: number) => ZSTD_MAGIC.every((byte, i) => bytes[at + i] === byte);

function describeByteCount(bytes: number): string {
  const mib = 1024 * 1024;
  return bytes % mib === 0 ? `${bytes / mib} MiB` : `${bytes} bytes`;
}

/**
 * Walks every frame and block header of a zstd payload, without decompressing, and refuses one
 * that would make fzstd allocate or copy more than `cap` allows. fzstd's `decompress` goes on
 * through concatenated frames, so the first header alone bounds nothing. A frame with a content
 * size is written straight into a buffer of that size, so it yields that many bytes; one without
 * (or with a content size of 0) yields its blocks, each at most its stored size (raw and RLE) or
 * min(128 KiB, window) (compressed), and allocates its window. Returns a record error, or null.
 */
function checkZstdPayload(payload: Uint8Array, cap: number): string | null {
  const broken = (what: string) => `a zstd frame that does not decompress: ${what}`;
  let at = 0;
  let total = 0;
  while (at < payload.length) {
    if (isSkippableFrame(payload, at)) {
      if (payload.length < at + 8) return broken('a skippable frame cut short in its header');
      at += 8 + (payload[at + 4] | (payload[at + 5] << 8) | (payload[at + 6] << 16)) + payload[at + 7] * 2 ** 24;
      if (at > payload.length) return broken('a skippable frame cut short');
      continue;
    }
    if (!isZstdFrameAt(payload, at)) return broken(`bytes at offset ${at} that are not a zstd frame`);
    const header = readZstdFrameHeader(payload, at);
    if (header === null) return 'a zstd frame cut short in its header';
    const hasContentSize = header.contentBytes !== null && header.contentBytes > 0;
    const allocated = hasContentSize ? (header.contentBytes as number) : header.windowBytes;
    if (allocated > cap) return `a zstd frame announcing ${allocated} bytes, more than this reader accepts`;
    at += header.headerBytes;
    let blockBytes = 0;
    let blocks = 0;
    for (let isLast = false; !isLast; blocks++) {
      if (payload.length < at + 3) return broken('a frame cut short in a block header');
      const blockHeader = payload[at] | (payload[at + 1] << 8) | (payload[at + 2] << 16);
      isLast = (blockHeader & 1) === 1;
      const type = (blockHeader >> 1) & 3;
      const size = blockHeader >> 3;
      at += 3;
      if (type === 3) return broken('a block of the reserved type');
      at += type === 1 ? 1 : size;
      blockBytes += type === 2 ? Math.min(ZSTD_BLOCK_MAX_BYTES, header.windowBytes) : size;
      if (at > payload.length) return broken('a frame cut short in a block');
    }
    if (header.hasChecksum) at += 4;
    if (at > payload.length) return broken('a frame cut short in its checksum');
    if (!hasContentSize && (blocks + 1) * header.windowBytes > WINDOW_COPY_FACTOR * cap) {
      return `a zstd frame without a content size, too costly to decompress (${blocks} blocks through a ${header.windowBytes}-byte window)`;
    }
    total += hasContentSize ? (header.contentBytes as number) : blockBytes;
    if (total > cap) return `zstd payload decompresses to more than ${describeByteCount(cap)}`;
  }
  return null;
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
export function decodeCollectorPayload(payload: Uint8Array, options: DecodePayloadOptions = {}): DecodedPayload {
  const cap = options.maxDecompressedBytes ?? MAX_DECOMPRESSED_BYTES;
  let bytes = payload;
  const isZstd = isZstdFrame(payload);
  if (isZstd) {
    const refused = checkZstdPayload(payload, cap);
    if (refused !== null) return { ok: false, reason: refused, encoding: null };
    try {
      bytes = decompressZstd(payload);
    } catch (error) {
      return { ok: false, reason: `a zstd frame that does not decompress: ${(error as Error).message}`, encoding: null };
    }
    // The walk bounds what fzstd writes; this only guards that bound.
    if (bytes.length > cap) return { ok: false, reason: `zstd payload decompresses to more than ${describeByteCount(cap)}`, encoding: null };
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
