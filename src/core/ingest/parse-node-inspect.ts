/**
 * Reads Node's `util.inspect` text (what `console.log` and `console.dir` print) back into
 * JSON-like values, best effort. OTel-JS's ConsoleSpanExporter prints each span this way
 * (FORMATS.md §2): unquoted keys, single-quoted strings, `[Object]` where the depth ran out.
 *
 * What becomes what:
 * - objects, class instances (`Resource { … }`) and null-prototype objects → plain objects;
 *   `Map(n) { k => v }` → an object keyed by the keys' text; `Set(n) { … }` and typed arrays → arrays;
 *   entries without a key (`Promise { 1 }`) are keyed by their position.
 * - `undefined` → null; `NaN`, `Infinity`, `-Infinity` → those strings (as parseJsonLenient does);
 *   `12n` → a number when exact, else its digits as a string.
 * - whatever inspect wrote in place of a value → its text as a string, so the user sees what was
 *   cut or not printable: `[Object]`, `[Array]`, `[Circular *1]`, `[Function: f]`, `[Getter]`,
 *   `Symbol(x)`, `<Buffer 01>`, `<2 empty items>`, dates, regexps, errors with their stack.
 * - `... 98 more items` → that text as a last array element (or under the key `...`);
 *   `'abc'... 9 more characters` → the string with that text appended; `'a' +\n 'b'` → `'ab'`.
 *
 * It never throws: text it cannot read gives a failure with a reason and an offset. It does not
 * recurse (an explicit stack holds open containers) and reads every character a bounded number
 * of times, so deep nesting or hostile input cannot blow the stack or backtrack.
 */

export type InspectParseResult = { isOk: true; value: unknown } | { isOk: false; reason: string; offset: number };

/** Colour codes, present when the output went to a terminal that was captured. */
const ANSI_COLOUR = /\x1b\[[0-9;]*m/g;
const NUMBER = /^-?\d[\d_]*(?:\.\d[\d_]*)?(?:e[+-]?\d+)?$/i;
const BIGINT = /^-?\d[\d_]*n$/;
const MORE_ITEMS = /\.\.\. \d+ more items?/y;
const MORE_CHARACTERS = /\.\.\. \d+ more characters?/y;
const STACK_LINE = /[ \t]+at /y;
/** The only bare tokens inspect prints with spaces: symbols, an error's first line, an invalid date. */
const SPACED_TOKEN = /^(?:Symbol\(.*\)|[A-Za-z_$][\w$]*(?: \[[^\]]*\])?: .*|Invalid Date)$/s;
const MAP_PREFIX = /^Map\b/;
const SET_PREFIX = /^Set\b/;

const NEWLINE = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;
const SINGLE_QUOTE = 0x27;
const DOUBLE_QUOTE = 0x22;
const BACKTICK = 0x60;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;
const LESS = 0x3c;
const GREATER = 0x3e;
const EQUALS = 0x3d;
const PLUS = 0x2b;
const SLASH = 0x2f;
const DOT = 0x2e;

type FrameKind = 'object' | 'array' | 'map' | 'set';

/** An open container: where its entries go and what is pending. */
interface Frame {
  kind: FrameKind;
  close: number;
  object: Record<string, unknown> | null;
  array: unknown[] | null;
  /** object: the key of the value being read; array: an extra property whose value is dropped. */
  key: string | null;
  /** map: the key read, waiting for `=>` and its value. */
  mapKey: string | null;
  /** Class instances may print entries without keys (`Promise { 1 }`); plain objects never do. */
  isKeylessAllowed: boolean;
  keylessCount: number;
}

class InspectSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

function isBlank(c: number): boolean {
  return c === SPACE || c === NEWLINE || c === CR || c === TAB;
}

function isQuote(c: number): boolean {
  return c === SINGLE_QUOTE || c === DOUBLE_QUOTE || c === BACKTICK;
}

function isIdentifierStart(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c === 0x24;
}

function isIdentifierPart(c: number): boolean {
  return isIdentifierStart(c) || (c >= 0x30 && c <= 0x39);
}

function isHex(text: string): boolean {
  return text.length > 0 && /^[0-9a-fA-F]+$/.test(text);
}

/** Sets a key as an own property, `__proto__` included (as JSON.parse does). */
function setEntry(object: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  else object[key] = value;
}

function mapKeyText(key: unknown): string {
  if (typeof key === 'string') return key;
  if (key === null || typeof key !== 'object') return String(key);
  return JSON.stringify(key);
}

/** A bare token (no quotes, no brackets) as a value. */
function readBareValue(text: string): unknown {
  switch (text) {
    case 'undefined':
    case 'null':
      return null;
    case 'true':
      return true;
    case 'false':
      return false;
    case 'NaN':
    case 'Infinity':
    case '-Infinity':
      return text;
  }
  const first = text.charCodeAt(0);
  if (first === 0x2d || (first >= 0x30 && first <= 0x39)) {
    if (NUMBER.test(text)) {
      const value = Number(text.replaceAll('_', ''));
      if (!Number.isNaN(value)) return value;
    } else if (BIGINT.test(text)) {
      const value = BigInt(text.slice(0, -1).replaceAll('_', ''));
      return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
    }
  }
  return text;
}

class InspectReader {
  private pos = 0;
  /** The scalar just read by readValueStart when it opened no container. */
  private scalar: unknown = null;

  constructor(private readonly text: string) {}

  get offset(): number {
    return this.pos;
  }

  private fail(reason: string): never {
    throw new InspectSyntaxError(reason, this.pos);
  }

  private skipBlank(): void {
    const text = this.text;
    while (this.pos < text.length && isBlank(text.charCodeAt(this.pos))) this.pos++;
  }

  private skipSpaces(): void {
    const text = this.text;
    while (this.pos < text.length && (text.charCodeAt(this.pos) === SPACE || text.charCodeAt(this.pos) === TAB)) this.pos++;
  }

  private peek(): number {
    return this.pos < this.text.length ? this.text.charCodeAt(this.pos) : -1;
  }

  /** Reads the whole text as one value. */
  readDocument(): unknown {
    const stack: Frame[] = [];
    let state: 'value' | 'entry' | 'after' = 'value';
    for (;;) {
      let value: unknown;
      if (state === 'value') {
        const opened = this.readValueStart();
        if (opened) {
          stack.push(opened);
          state = 'entry';
          continue;
        }
        value = this.scalar;
      } else if (state === 'entry') {
        this.skipBlank();
        const top = stack[stack.length - 1];
        if (this.peek() === top.close) {
          this.pos++;
          value = this.close(stack.pop()!);
        } else {
          state = this.readEntryHead(top) ? 'after' : 'value';
          continue;
        }
      } else {
        this.skipBlank();
        const top = stack[stack.length - 1];
        const c = this.peek();
        if (top.kind === 'map' && top.mapKey !== null) {
          if (c !== EQUALS || this.text.charCodeAt(this.pos + 1) !== GREATER) this.fail('expected => after a Map key');
          this.pos += 2;
          state = 'value';
          continue;
        }
        if (c === COMMA) {
          this.pos++;
          state = 'entry';
          continue;
        }
        if (c !== top.close) this.fail(`expected , or ${String.fromCharCode(top.close)}`);
        this.pos++;
        value = this.close(stack.pop()!);
      }

      if (stack.length === 0) {
        this.skipBlank();
        if (this.pos < this.text.length) this.fail('unexpected text after the value');
        return value;
      }
      this.deliver(stack[stack.length - 1], value);
      state = 'after';
    }
  }

  private close(frame: Frame): unknown {
    return frame.object ?? frame.array;
  }

  private deliver(frame: Frame, value: unknown): void {
    switch (frame.kind) {
      case 'object':
        setEntry(frame.object!, frame.key ?? String(frame.keylessCount++), value);
        frame.key = null;
        return;
      case 'map':
        if (frame.mapKey === null) frame.mapKey = mapKeyText(value);
        else {
          setEntry(frame.object!, frame.mapKey, value);
          frame.mapKey = null;
        }
        return;
      default:
        // An array's extra property (`[ 1, foo: 2 ]`) has no place in a JSON array.
        if (frame.key !== null) frame.key = null;
        else frame.array!.push(value);
    }
  }

  /** Reads what precedes an entry's value (a key, or a `... N more items` marker). True if the entry is complete. */
  private readEntryHead(frame: Frame): boolean {
    if (this.peek() === DOT) {
      MORE_ITEMS.lastIndex = this.pos;
      const m = MORE_ITEMS.exec(this.text);
      if (!m) this.fail('unexpected "."');
      this.pos += m[0].length;
      if (frame.array) frame.array.push(m[0]);
      else setEntry(frame.object!, '...', m[0]);
      return true;
    }
    if (frame.kind === 'object' || frame.kind === 'array') {
      frame.key = this.tryReadKey();
      if (frame.key === null && frame.kind === 'object' && !frame.isKeylessAllowed) this.fail('expected a key');
    }
    return false;
  }

  /** A key followed by `:` (identifier, quoted, or `[Symbol(x)]`), or null with nothing consumed. */
  private tryReadKey(): string | null {
    const start = this.pos;
    const c = this.peek();
    let key: string;
    if (isIdentifierStart(c)) {
      this.pos++;
      while (this.pos < this.text.length && isIdentifierPart(this.text.charCodeAt(this.pos))) this.pos++;
      key = this.text.slice(start, this.pos);
    } else if (isQuote(c)) key = this.readQuoted();
    else if (c === OPEN_BRACKET && !isBlank(this.text.charCodeAt(start + 1)) && this.text.charCodeAt(start + 1) !== CLOSE_BRACKET) {
      key = this.readDelimited(OPEN_BRACKET, CLOSE_BRACKET);
      // An own `__proto__` key prints as ['__proto__']; symbol keys as [Symbol(k)].
      if (isQuote(key.charCodeAt(1))) key = new InspectReader(key.slice(1, -1)).readQuoted();
    } else return null;
    this.skipSpaces();
    if (this.peek() === COLON && this.text.charCodeAt(this.pos + 1) !== COLON) {
      this.pos++;
      return key;
    }
    this.pos = start;
    return null;
  }

  /**
   * Reads a value: a scalar (left in `scalar`, returns null) or the start of a container
   * (returns its frame). Prefixes such as `<ref *1>`, `Resource`, `Map(1)` or
   * `[Object: null prototype]` before a brace or bracket only pick the container's kind.
   */
  private readValueStart(): Frame | null {
    this.skipBlank();
    let prefix = '';
    for (;;) {
      const c = this.peek();
      if (c === -1) this.fail('unexpected end of text');
      if (c === OPEN_BRACE) {
        this.pos++;
        const name = prefix.trim();
        const kind: FrameKind = MAP_PREFIX.test(name) ? 'map' : SET_PREFIX.test(name) ? 'set' : 'object';
        const object = kind === 'set' ? null : {};
        const array = kind === 'set' ? [] : null;
        return { kind, close: CLOSE_BRACE, object, array, key: null, mapKey: null, isKeylessAllowed: name !== '', keylessCount: 0 };
      }
      if (c === OPEN_BRACKET && this.isArrayStart(this.pos)) {
        this.pos++;
        return { kind: 'array', close: CLOSE_BRACKET, object: null, array: [], key: null, mapKey: null, isKeylessAllowed: true, keylessCount: 0 };
      }
      if (c === LESS) {
        const token = this.readDelimited(LESS, GREATER);
        if (token.startsWith('<ref *')) {
          this.skipSpaces();
          continue;
        }
        this.scalar = token;
        return null;
      }
      if (isQuote(c)) {
        this.scalar = this.readString();
        return null;
      }
      if (c === OPEN_BRACKET) {
        // A tag such as [Object], [Function: f], [Circular *1], or a prefix: [Object: null prototype] {
        const tag = this.readDelimited(OPEN_BRACKET, CLOSE_BRACKET);
        const after = this.pos;
        this.skipSpaces();
        if (this.isContainerStart(this.pos)) {
          prefix += `${tag} `;
          continue;
        }
        this.pos = after;
        this.scalar = (prefix + tag).trim();
        return null;
      }
      if (c === SLASH && prefix === '') {
        this.scalar = this.readRegExp();
        return null;
      }
      const bare = this.readBare();
      if (this.isContainerStart(this.pos) || this.peek() === OPEN_BRACKET) {
        prefix += bare;
        continue;
      }
      const text = (prefix + bare).trim();
      if (text === '') this.fail(`unexpected "${String.fromCharCode(c)}"`);
      if (/\s/.test(text) && !SPACED_TOKEN.test(text)) this.fail(`unexpected text "${text.slice(0, 40)}"`);
      this.scalar = this.isStackNext() ? text + this.readStack() : readBareValue(text);
      return null;
    }
  }

  /** `[` opening an array (`[ 1 ]`, `[]`, `[\n`) rather than a tag (`[Object]`). */
  private isArrayStart(at: number): boolean {
    const next = this.text.charCodeAt(at + 1);
    return isBlank(next) || next === CLOSE_BRACKET;
  }

  private isContainerStart(at: number): boolean {
    const c = this.text.charCodeAt(at);
    return c === OPEN_BRACE || (c === OPEN_BRACKET && this.isArrayStart(at));
  }

  /** Text up to a delimiter: `,`, a bracket or brace, a line end, or ` =>`. */
  private readBare(): string {
    const text = this.text;
    const start = this.pos;
    while (this.pos < text.length) {
      const c = text.charCodeAt(this.pos);
      if (c === COMMA || c === OPEN_BRACE || c === CLOSE_BRACE || c === OPEN_BRACKET || c === CLOSE_BRACKET || c === NEWLINE || c === CR) break;
      if (c === EQUALS && text.charCodeAt(this.pos + 1) === GREATER) break;
      this.pos++;
    }
    return text.slice(start, this.pos);
  }

  /** After an error's first line: is the next line a stack frame (`    at f (file:1:2)`)? */
  private isStackNext(): boolean {
    let at = this.pos;
    if (this.text.charCodeAt(at) === CR) at++;
    if (this.text.charCodeAt(at) !== NEWLINE) return false;
    STACK_LINE.lastIndex = at + 1;
    return STACK_LINE.test(this.text);
  }

  /** The stack lines of an error, up to (not including) the comma that ends the entry. */
  private readStack(): string {
    const text = this.text;
    const start = this.pos;
    while (this.isStackNext()) {
      const lineStart = text.indexOf('\n', this.pos) + 1;
      let lineEnd = text.indexOf('\n', lineStart);
      if (lineEnd === -1) lineEnd = text.length;
      let contentEnd = lineEnd;
      while (contentEnd > lineStart && isBlank(text.charCodeAt(contentEnd - 1))) contentEnd--;
      if (text.charCodeAt(contentEnd - 1) === COMMA) {
        this.pos = contentEnd - 1;
        break;
      }
      this.pos = contentEnd;
    }
    return text.slice(start, this.pos).replace(/\r/g, '');
  }

  /** From an opening character to its matching close on the same line, quotes respected. */
  private readDelimited(open: number, close: number): string {
    const text = this.text;
    const start = this.pos;
    let depth = 0;
    while (this.pos < text.length) {
      const c = text.charCodeAt(this.pos);
      if (c === NEWLINE || c === CR) break;
      if (isQuote(c)) {
        this.readQuoted();
        continue;
      }
      this.pos++;
      if (c === open) depth++;
      else if (c === close && --depth === 0) return text.slice(start, this.pos);
    }
    this.pos = start;
    return this.fail(`unclosed ${String.fromCharCode(open)}`);
  }

  private readRegExp(): string {
    const text = this.text;
    const start = this.pos++;
    let inClass = false;
    while (this.pos < text.length) {
      const c = text.charCodeAt(this.pos++);
      if (c === NEWLINE || c === CR) break;
      if (c === BACKSLASH) this.pos++;
      else if (c === OPEN_BRACKET) inClass = true;
      else if (c === CLOSE_BRACKET) inClass = false;
      else if (c === SLASH && !inClass) {
        while (this.pos < text.length && isIdentifierPart(text.charCodeAt(this.pos))) this.pos++;
        return text.slice(start, this.pos);
      }
    }
    this.pos = start;
    return this.fail('unclosed regular expression');
  }

  /** A string value: quoted pieces joined by `+` across lines, then any `... N more characters`. */
  private readString(): string {
    let out = this.readQuoted();
    for (;;) {
      const before = this.pos;
      this.skipBlank();
      if (this.peek() === PLUS) {
        this.pos++;
        this.skipBlank();
        if (isQuote(this.peek())) {
          out += this.readQuoted();
          continue;
        }
      }
      this.pos = before;
      break;
    }
    MORE_CHARACTERS.lastIndex = this.pos;
    const more = MORE_CHARACTERS.exec(this.text);
    if (more) {
      out += more[0];
      this.pos += more[0].length;
    }
    return out;
  }

  /** One quoted literal with JavaScript escapes. inspect never writes a raw line break inside one. */
  readQuoted(): string {
    const text = this.text;
    const quote = text.charCodeAt(this.pos);
    const start = this.pos;
    this.pos++;
    let out = '';
    let from = this.pos;
    let hasUnicodeEscape = false;
    while (this.pos < text.length) {
      const c = text.charCodeAt(this.pos);
      if (c === quote) {
        out += text.slice(from, this.pos);
        this.pos++;
        return hasUnicodeEscape ? out.toWellFormed() : out;
      }
      if (c === NEWLINE || c === CR) break;
      if (c !== BACKSLASH) {
        this.pos++;
        continue;
      }
      out += text.slice(from, this.pos);
      const escape = text[this.pos + 1] ?? '';
      this.pos += 2;
      switch (escape) {
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'v': out += '\v'; break;
        case '0': out += '\0'; break;
        case 'x': {
          const hex = text.slice(this.pos, this.pos + 2);
          if (hex.length !== 2 || !isHex(hex)) this.fail('bad \\x escape');
          out += String.fromCharCode(parseInt(hex, 16));
          this.pos += 2;
          break;
        }
        case 'u': {
          let hex: string;
          if (text[this.pos] === '{') {
            const end = text.indexOf('}', this.pos);
            hex = end === -1 ? '' : text.slice(this.pos + 1, end);
            if (!isHex(hex) || hex.length > 6 || parseInt(hex, 16) > 0x10ffff) this.fail('bad \\u{} escape');
            this.pos = end + 1;
          } else {
            hex = text.slice(this.pos, this.pos + 4);
            if (hex.length !== 4 || !isHex(hex)) this.fail('bad \\u escape');
            this.pos += 4;
          }
          out += String.fromCodePoint(parseInt(hex, 16));
          hasUnicodeEscape = true;
          break;
        }
        case '\n':
        case '\r':
        case '':
          this.pos = start;
          return this.fail('unterminated string');
        default:
          out += escape;
      }
      from = this.pos;
    }
    this.pos = start;
    return this.fail('unterminated string');
  }
}

/** Parses Node util.inspect output into a JSON-like value; a failure value (never a throw) when it cannot. */
export function parseNodeInspect(text: string): InspectParseResult {
  const source = text.includes('\x1b') ? text.replace(ANSI_COLOUR, '') : text;
  const reader = new InspectReader(source);
  try {
    return { isOk: true, value: reader.readDocument() };
  } catch (error) {
    if (error instanceof InspectSyntaxError) return { isOk: false, reason: error.message, offset: error.offset };
    return { isOk: false, reason: `unreadable: ${(error as Error).message}`, offset: reader.offset };
  }
}
