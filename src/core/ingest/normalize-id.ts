/**
 * Trace and span ids arrive as hex of either case, `0x` + hex, base64 (protobuf JSON) or
 * opaque strings (FORMATS.md §11.1). Hex is tested first: 16 hex characters also parse as
 * base64 but decode to 12 bytes.
 */
import { textOf } from '../../shared/model/attribute-value';

const BASE64_ID = /^(?:[A-Za-z0-9+/]{11}=|[A-Za-z0-9+/]{22}==|[A-Za-z0-9_-]{11}|[A-Za-z0-9_-]{22})$/;
const ZEROS = /^0+$/;

/**
 * 0 when `id` is not 16 or 32 hex digits, 1 when it is in lower case already, 2 when it has
 * upper-case digits. A loop rather than a regex: ids are read two or more times per span.
 */
function classifyHex(id: string): 0 | 1 | 2 {
  if (id.length !== 16 && id.length !== 32) return 0;
  let hasUpper = false;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    if ((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66)) continue;
    if (c >= 0x41 && c <= 0x46) hasUpper = true;
    else return 0;
  }
  return hasUpper ? 2 : 1;
}

/** Normalises an id to lower-case hex where it is recognisably hex or base64; keeps anything else as is. */
export function normalizeId(raw: unknown): string {
  if (raw === null || raw === undefined) return '';
  let id = typeof raw === 'string' ? raw.trim() : textOf(raw);
  if (id.charCodeAt(0) === 0x30 && (id.charCodeAt(1) === 0x78 || id.charCodeAt(1) === 0x58)) id = id.slice(2);
  const hex = classifyHex(id);
  if (hex === 1) return id;
  if (hex === 2) return id.toLowerCase();
  if (BASE64_ID.test(id)) {
    const bytes = Buffer.from(id, id.includes('-') || id.includes('_') ? 'base64url' : 'base64');
    if (bytes.length === 8 || bytes.length === 16) return bytes.toString('hex');
  }
  return id;
}

/** A parent id, or null when it marks a root ("", missing, all zeros). */
export function normalizeParentId(raw: unknown): string | null {
  const id = normalizeId(raw);
  if (id === '' || (id.charCodeAt(0) === 0x30 && ZEROS.test(id))) return null;
  return id;
}
