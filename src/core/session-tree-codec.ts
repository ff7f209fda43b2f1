/**
 * A built session tree as bytes, so an index worker can store a big session's tree in the
 * index and the engine can read it back without building it: typed arrays copied out, no
 * parsing, no maps. Little-endian; each array starts on an 8-byte boundary.
 *
 *   u32 version, u32 spans (n), u32 children (m), u32 roots (r), u32 hasSynthesized, u32 pad,
 *   f64 spanCount, f64 startUs, f64 endUs,
 *   f64 keys[n], f64 drawStartUs[n], i32 parent[n], i32 childStart[n + 1], i32 childList[m],
 *   i32 roots[r], u8 isOrphan[n], u8 synthesized[n] (when hasSynthesized)
 */
import type { SessionTree } from './session-trees';

const VERSION = 1;
const HEADER_BYTES = 48;

const align8 = (bytes: number) => (bytes + 7) & ~7;

/** The bytes of `tree`. */
export function encodeSessionTree(session: SessionTree): Buffer {
  const { tree } = session;
  const n = tree.parent.length;
  const m = tree.childList.length;
  const r = tree.roots.length;
  const parts: ArrayBufferView[] = [
    Float64Array.from(session.keys),
    tree.drawStartUs,
    tree.parent,
    tree.childStart,
    tree.childList,
    Int32Array.from(tree.roots),
    tree.isOrphan,
    ...(session.synthesized ? [Uint8Array.from(session.synthesized)] : []),
  ];
  let size = HEADER_BYTES;
  for (const part of parts) size += align8(part.byteLength);
  const bytes = Buffer.alloc(size);
  bytes.writeUInt32LE(VERSION, 0);
  bytes.writeUInt32LE(n, 4);
  bytes.writeUInt32LE(m, 8);
  bytes.writeUInt32LE(r, 12);
  bytes.writeUInt32LE(session.synthesized ? 1 : 0, 16);
  bytes.writeDoubleLE(session.spanCount, 24);
  bytes.writeDoubleLE(session.startUs, 32);
  bytes.writeDoubleLE(session.endUs, 40);
  let at = HEADER_BYTES;
  for (const part of parts) {
    bytes.set(new Uint8Array(part.buffer, part.byteOffset, part.byteLength), at);
    at += align8(part.byteLength);
  }
  return bytes;
}

/** Reads what encodeSessionTree wrote; null for bytes of another version or a wrong size. */
export function decodeSessionTree(bytes: Uint8Array): SessionTree | null {
  if (bytes.byteLength < HEADER_BYTES) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== VERSION) return null;
  const n = view.getUint32(4, true);
  const m = view.getUint32(8, true);
  const r = view.getUint32(12, true);
  const hasSynthesized = view.getUint32(16, true) === 1;
  let at = HEADER_BYTES;
  // Copied out (the bytes need not be aligned, and the engine keeps the tree after the row is gone).
  const take = <T extends Float64Array | Int32Array | Uint8Array>(make: (length: number) => T, length: number): T => {
    const array = make(length);
    const byteLength = array.byteLength;
    if (at + byteLength > bytes.byteLength) throw new RangeError('short session tree');
    new Uint8Array(array.buffer).set(bytes.subarray(at, at + byteLength));
    at += align8(byteLength);
    return array;
  };
  try {
    const keys = take((length) => new Float64Array(length), n);
    const drawStartUs = take((length) => new Float64Array(length), n);
    const parent = take((length) => new Int32Array(length), n);
    const childStart = take((length) => new Int32Array(length), n + 1);
    const childList = take((length) => new Int32Array(length), m);
    const roots = Array.from(take((length) => new Int32Array(length), r));
    const isOrphan = take((length) => new Uint8Array(length), n);
    const synthesized = hasSynthesized ? take((length) => new Uint8Array(length), n) : null;
    return {
      keys,
      synthesized,
      spanCount: view.getFloat64(24, true),
      startUs: view.getFloat64(32, true),
      endUs: view.getFloat64(40, true),
      tree: { roots, childStart, childList, parent, isOrphan, drawStartUs },
    };
  } catch {
    return null;
  }
}
