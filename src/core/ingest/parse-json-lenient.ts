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
    for (const [key, inner] of Object.entries(value)) {
      // Defined, not assigned: a "__proto__" key stays a key, as JSON.parse made it.
      Object.defineProperty(out, key.toWellFormed(), { value: toWellFormedDeep(inner), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return value;
}

/**
 * What a token rewriter found at a position outside strings: the token's end, and whether it
 * is written as a JSON string; null when no token starts there.
 */
export type TokenAt = { end: number; isQuoted: boolean } | null;

/** Rewrites the tokens `readToken` finds outside JSON strings as JSON strings (the text itself when there are none). */
export function quoteTokensOutsideStrings(text: string, readToken: (text: string, at: number) => TokenAt): string {
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
    const token = readToken(text, i);
    if (!token) continue;
    if (token.isQuoted) {
      out += `${text.slice(copyFrom, i)}"${text.slice(i, token.end)}"`;
      copyFrom = token.end;
    }
    i = token.end - 1;
  }
  return copyFrom === 0 ? text : out + text.slice(copyFrom);
}

const NON_FINITE_TOKENS = ['NaN', 'Infinity', '-Infinity'];

/** Rewrites bare NaN / Infinity / -Infinity tokens outside strings as JSON strings. */
export function quoteNonFiniteNumbers(text: string): string {
  return quoteTokensOutsideStrings(text, (source, at) => {
    const token = NON_FINITE_TOKENS.find((candidate) => source.startsWith(candidate, at));
    return token ? { end: at + token.length, isQuoted: true } : null;
  });
}
