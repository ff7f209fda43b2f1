/**
 * Times come as ISO text (any offset, or none = UTC), epoch numbers in s/ms/µs/ns, decimal
 * strings of ns, or HrTime tuples (FORMATS.md §11.5). Inside the engine they are BigInt
 * nanoseconds since the epoch; null means "not given".
 */
const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?\s*(Z|[+-]\d{2}:?\d{2})?$/i;
const DIGITS = /^-?\d+$/;

/** Parses ISO 8601 text to epoch ns; zone-less text is UTC. */
export function parseIsoToNs(text: string): bigint | null {
  const m = ISO.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac = '', zone] = m;
  let ms = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s);
  if (Number.isNaN(ms)) return null;
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000;
  }
  return BigInt(ms) * 1_000_000n + BigInt(frac.padEnd(9, '0'));
}

/** Epoch number of unknown unit to ns: above 1e17 ns, above 1e14 µs, above 1e11 ms, else s. */
export function epochNumberToNs(value: number): bigint | null {
  if (!Number.isFinite(value) || value <= 0) return null;
  const factor = value > 1e17 ? 1 : value > 1e14 ? 1e3 : value > 1e11 ? 1e6 : 1e9;
  // The whole part scales exactly in BigInt; only the fraction goes through a float.
  const whole = Math.trunc(value);
  return BigInt(whole) * BigInt(factor) + BigInt(Math.round((value - whole) * factor));
}

/** Decimal-string nanoseconds (OTLP's int64 encoding) or a number of ns; 0 and "" mean absent. */
export function parseUnixNano(value: unknown): bigint | null {
  if (typeof value === 'string') {
    if (!DIGITS.test(value)) return null;
    const ns = BigInt(value);
    return ns > 0n ? ns : null;
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value <= 0) return null;
    return BigInt(Math.round(value));
  }
  return null;
}

/** Any time value whose unit must be guessed (ISO text, epoch number or numeric string). */
export function parseAnyTimeToNs(value: unknown): bigint | null {
  if (typeof value === 'number') return epochNumberToNs(value);
  if (typeof value === 'string') {
    if (DIGITS.test(value)) return epochNumberToNs(Number(value));
    return parseIsoToNs(value);
  }
  return null;
}

/** ns → integer µs for the wire (floor). */
export function nsToUs(ns: bigint | null): number | null {
  return ns === null ? null : Number(ns / 1000n);
}
