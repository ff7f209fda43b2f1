/**
 * JSON.parse that also accepts what Python's json.dumps writes for non-finite floats: bare
 * NaN, Infinity and -Infinity become the strings "NaN", "Infinity" and "-Infinity" (a number
 * field cannot hold them in JSON, and the UI shows them as written).
 */
const NON_FINITE = /NaN|Infinity/;

// A \uD800-\uDFFF escape: the only way valid JSON text can carry a lone surrogate.
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;

/** Parses JSON text, tolerating bare NaN/Infinity outside strings; throws on anything else invalid. */
export function parseJsonLenient(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    if (!NON_FINITE.test(text)) throw error;
    value = JSON.parse(quoteNonFiniteNumbers(text));
  }
  return repairSurrogates(text, value);
}

/**
 * Lone surrogates are valid JSON escapes but not text (FORMATS.md §11.19): replace them with
 * U+FFFD. Only values whose text has a surrogate escape are walked.
 */
export function repairSurrogates(text: string, value: unknown): unknown {
  return SURROGATE_ESCAPE.test(text) ? toWellFormedDeep(value) : value;
}

function toWellFormedDeep(value: unknown): unknown {
  if (typeof value === 'string') return value.toWellFormed();
  if (Array.isArray(value)) return value.map(toWellFormedDeep);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) out[key.toWellFormed()] = toWellFormedDeep(inner);
    return out;
  }
  return value;
}

/** Rewrites bare NaN / Infinity / -Infinity tokens outside strings as JSON strings. */
export function quoteNonFiniteNumbers(text: string): string {
  let out = '';
  let copyFrom = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) {
      inString = true;
      continue;
    }
    let token: string | null = null;
    if (text.startsWith('NaN', i)) token = 'NaN';
    else if (text.startsWith('Infinity', i)) token = 'Infinity';
    else if (text.startsWith('-Infinity', i)) token = '-Infinity';
    if (token) {
      out += text.slice(copyFrom, i) + '"' + token + '"';
      i += token.length - 1;
      copyFrom = i + 1;
    }
  }
  return out + text.slice(copyFrom);
}
