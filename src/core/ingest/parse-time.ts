/**
 * Times come as ISO text (any offset, or none = UTC), epoch numbers in s/ms/µs/ns, decimal
 * strings of ns, or HrTime tuples (FORMATS.md §11.5). Inside the engine they are BigInt
 * nanoseconds since the epoch; null means "not given".
 */
const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?\s*(Z|[+-]\d{2}:?\d{2})?$/i;
const DIGITS = /^-?\d+$/;

const DIGIT_0 = 0x30;

/** ms since the epoch of the last "YYYY-MM-DDTHH:MM:SS" seen: consecutive spans share seconds. */
let lastSecondText = '';
let lastSecondMs = 0;

/**
 * The hot path: `YYYY-MM-DDTHH:MM:SS.ffffffZ` exactly as OTel Python writes it (6 fraction
 * digits, UTC). Anything else returns null and goes through the general parser.
 */
function parseCanonicalIsoToNs(text: string): bigint | null {
  if (text.length !== 27 || text.charCodeAt(26) !== 0x5a || text.charCodeAt(19) !== 0x2e || text.charCodeAt(10) !== 0x54) return null;
  const second = text.slice(0, 19);
  if (second !== lastSecondText) {
    const ms = Date.parse(`${second}Z`);
    if (Number.isNaN(ms)) return null;
    lastSecondText = second;
    lastSecondMs = ms;
  }
  let micros = 0;
  for (let i = 20; i < 26; i++) {
    const digit = text.charCodeAt(i) - DIGIT_0;
    if (digit < 0 || digit > 9) return null;
    micros = micros * 10 + digit;
  }
  // Exact in a double: ms (< 2^43) * 1000 + µs stays far below 2^53.
  return BigInt(lastSecondMs * 1000 + micros) * 1000n;
}

/** Parses ISO 8601 text to epoch ns; zone-less text is UTC. */
export function parseIsoToNs(text: string): bigint | null {
  const fast = parseCanonicalIsoToNs(text);
  if (fast !== null) return fast;
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

/** Nanoseconds per unit for epoch numbers and durations. */
export type TimeUnit = 's' | 'ms' | 'us' | 'ns';
const NS_PER: Record<TimeUnit, bigint> = { s: 1_000_000_000n, ms: 1_000_000n, us: 1_000n, ns: 1n };
const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/** A non-negative decimal text ("1714291200000.5") times a unit, exactly, rounded half up to ns. */
function decimalTextToNs(text: string, unitNs: bigint): bigint | null {
  const m = DECIMAL.exec(text);
  if (!m) return null;
  const [, whole, frac = ''] = m;
  const scale = 10n ** BigInt(frac.length);
  const fracNs = frac === '' ? 0n : (BigInt(frac) * unitNs * 2n + scale) / (2n * scale);
  return BigInt(whole) * unitNs + fracNs;
}

/**
 * An epoch number or numeric text in a known unit to ns; 0, negatives and non-numbers mean
 * absent. A float of seconds or milliseconds has no more than microsecond precision at epoch
 * scale, so its fraction is rounded to whole µs (1778486537.2 s is ...537.200000 s, not the
 * double's ...537.200000048 s). Text is read exactly.
 */
export function epochToNs(value: unknown, unit: TimeUnit): bigint | null {
  if (typeof value === 'string') {
    const ns = decimalTextToNs(value.trim(), NS_PER[unit]);
    return ns !== null && ns > 0n ? ns : null;
  }
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) return null;
  const whole = Math.trunc(value);
  const fraction = value - whole;
  const wholeNs = BigInt(whole) * NS_PER[unit];
  if (fraction === 0) return wholeNs;
  if (unit === 's') return wholeNs + BigInt(Math.round(fraction * 1e6)) * 1000n;
  if (unit === 'ms') return wholeNs + BigInt(Math.round(fraction * 1e3)) * 1000n;
  if (unit === 'us') return wholeNs + BigInt(Math.round(fraction * 1e3));
  return BigInt(Math.round(value));
}

/** Epoch number of unknown unit to ns: above 1e17 ns, above 1e14 µs, above 1e11 ms, else s. */
export function epochNumberToNs(value: number): bigint | null {
  if (!Number.isFinite(value) || value <= 0) return null;
  return epochToNs(value, value > 1e17 ? 'ns' : value > 1e14 ? 'us' : value > 1e11 ? 'ms' : 's');
}

const DURATION_PART = /(\d+(?:\.\d+)?)(ns|us|µs|μs|ms|s|m|h)/gy;
const DURATION_UNIT_NS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  'µs': 1_000n,
  'μs': 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

/**
 * A duration as text with units: Jaeger api_v2's `"5000ns"`, protobuf JSON's `"0.000005s"`,
 * or a Go duration such as `"1m2.5s"`. Exact; null for anything else.
 */
export function parseDurationTextToNs(text: unknown): bigint | null {
  if (typeof text !== 'string' || text === '') return null;
  let total = 0n;
  DURATION_PART.lastIndex = 0;
  let consumed = 0;
  for (let m = DURATION_PART.exec(text); m; m = DURATION_PART.exec(text)) {
    total += decimalTextToNs(m[1], DURATION_UNIT_NS[m[2]])!;
    consumed = DURATION_PART.lastIndex;
  }
  return consumed === text.length ? total : null;
}

/** OTel-JS HrTime `[seconds, nanoseconds]`; `[0, 0]` (never set) is null. */
export function hrTimeToNs(value: unknown): bigint | null {
  if (!Array.isArray(value) || value.length !== 2) return null;
  const [seconds, nanos] = value;
  if (typeof seconds !== 'number' || typeof nanos !== 'number' || !Number.isInteger(seconds) || !Number.isInteger(nanos)) return null;
  const ns = BigInt(seconds) * 1_000_000_000n + BigInt(nanos);
  return ns > 0n ? ns : null;
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
    // Most times in the wild are canonical UTC ISO text: read those before anything else.
    const canonical = parseCanonicalIsoToNs(value);
    if (canonical !== null) return canonical;
    const text = value.trim();
    if (DECIMAL.test(text)) {
      // Pick the unit from the magnitude, then read the text exactly (19-digit ns exceed a double).
      const magnitude = Number(text);
      return epochToNs(text, magnitude > 1e17 ? 'ns' : magnitude > 1e14 ? 'us' : magnitude > 1e11 ? 'ms' : 's');
    }
    return parseIsoToNs(text);
  }
  return null;
}

/** ns → integer µs for the wire (floor). */
export function nsToUs(ns: bigint | null): number | null {
  return ns === null ? null : Number(ns / 1000n);
}
