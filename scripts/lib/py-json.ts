/**
 * Python `json.dumps` as OTel Python calls it, byte for byte: `ensure_ascii` escaping (`\uXXXX`,
 * lower-case, surrogate pairs), Python float repr (`1.0`, `1e-05`), bare `NaN`/`Infinity`, and the
 * two layouts: `indent=4` (`,` and `: `) and `indent=None` (`, ` and `: `).
 */

/** Marks a number that Python holds as a float, so `2` is written `2.0`. */
export class PyFloat {
  constructor(readonly value: number) {}
}

export type PyValue =
  | string
  | number
  | boolean
  | null
  | PyFloat
  | PyValue[]
  | { [key: string]: PyValue };

/** A Python float; non-integral JS numbers are floats anyway, integral ones are ints unless wrapped. */
export function pyFloat(value: number): PyFloat {
  return new PyFloat(value);
}

/** Python's `repr(float)`: shortest round-trip digits, exponent form below 1e-4 and from 1e16. */
export function formatPyFloat(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mantissa, expText] = x.toExponential().split('e');
  const exp = Number(expText);
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  const sign = negative ? '-' : '';
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  if (exp >= 0) {
    const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
    const frac = digits.slice(exp + 1);
    return `${sign}${intPart}.${frac === '' ? '0' : frac}`;
  }
  return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
}

const SIMPLE_STRING = /^[\x20-\x21\x23-\x5b\x5d-\x7e]*$/;
const ESCAPES: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

/** A JSON string literal exactly as Python's `json.dumps(..., ensure_ascii=True)` writes it. */
export function pyString(s: string): string {
  if (SIMPLE_STRING.test(s)) return `"${s}"`;
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    const code = s.charCodeAt(i);
    const esc = ESCAPES[ch];
    if (esc !== undefined) out += esc;
    else if (code < 0x20 || code > 0x7e) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return out + '"';
}

function formatScalar(value: PyValue): string | undefined {
  if (value === null) return 'null';
  if (value === true) return 'true';
  if (value === false) return 'false';
  if (typeof value === 'string') return pyString(value);
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : formatPyFloat(value);
  if (value instanceof PyFloat) return formatPyFloat(value.value);
  return undefined;
}

function dumpCompact(value: PyValue): string {
  const scalar = formatScalar(value);
  if (scalar !== undefined) return scalar;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ', ') + dumpCompact(value[i]);
    return out + ']';
  }
  const obj = value as { [key: string]: PyValue };
  let out = '{';
  let first = true;
  for (const key in obj) {
    out += (first ? '' : ', ') + pyString(key) + ': ' + dumpCompact(obj[key]);
    first = false;
  }
  return first ? '{}' : out + '}';
}

function dumpIndented(value: PyValue, indent: string, level: string): string {
  const scalar = formatScalar(value);
  if (scalar !== undefined) return scalar;
  const inner = level + indent;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      out += (i === 0 ? '\n' : ',\n') + inner + dumpIndented(value[i], indent, inner);
    }
    return out + '\n' + level + ']';
  }
  const obj = value as { [key: string]: PyValue };
  let out = '{';
  let first = true;
  for (const key in obj) {
    out += (first ? '\n' : ',\n') + inner + pyString(key) + ': ' + dumpIndented(obj[key], indent, inner);
    first = false;
  }
  return first ? '{}' : out + '\n' + level + '}';
}

/** `json.dumps(value, indent=indent)`; `indent` null is Python's `indent=None`. */
export function pyDumps(value: PyValue, indent: number | null = null): string {
  return indent === null ? dumpCompact(value) : dumpIndented(value, ' '.repeat(indent), '');
}
