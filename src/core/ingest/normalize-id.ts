/**
 * Trace and span ids arrive as hex of either case, `0x` + hex, base64 (protobuf JSON) or
 * opaque strings (FORMATS.md §11.1). Hex is tested first: 16 hex characters also parse as
 * base64 but decode to 12 bytes.
 */
const HEX_ID = /^(?:[0-9a-fA-F]{16}|[0-9a-fA-F]{32})$/;
const BASE64_ID = /^(?:[A-Za-z0-9+/]{11}=|[A-Za-z0-9+/]{22}==|[A-Za-z0-9_-]{11}|[A-Za-z0-9_-]{22})$/;
const ZEROS = /^0+$/;

/** Normalises an id to lower-case hex where it is recognisably hex or base64; keeps anything else as is. */
export function normalizeId(raw: unknown): string {
  if (raw === null || raw === undefined) return '';
  let id = typeof raw === 'string' ? raw.trim() : String(raw);
  if (id.startsWith('0x') || id.startsWith('0X')) id = id.slice(2);
  if (HEX_ID.test(id)) return id.toLowerCase();
  if (BASE64_ID.test(id)) {
    const bytes = Buffer.from(id, id.includes('-') || id.includes('_') ? 'base64url' : 'base64');
    if (bytes.length === 8 || bytes.length === 16) return bytes.toString('hex');
  }
  return id;
}

/** A parent id, or null when it marks a root ("", missing, all zeros). */
export function normalizeParentId(raw: unknown): string | null {
  const id = normalizeId(raw);
  if (id === '' || ZEROS.test(id)) return null;
  return id;
}
