/*
 * Record scanner: reads OTel Python console spans (ReadableSpan.to_json(), compact or indented)
 * straight from a file's bytes and reports where the fields the index needs sit, so the index
 * worker need not JSON.parse whole records. It only ever *accepts* a record it fully understands:
 * strict RFC 8259 JSON, the console span's shape, plain values where fields are read. On
 * anything else it stops before that record and the JavaScript framer handles it as it always
 * did (errors, lenient NaN, inspect output, cut-off records, other formats). So what is indexed
 * never depends on whether this addon was built; a test compares both paths record by record.
 *
 * Only Node-API is used, so one build loads in Node and in Electron alike. No state is shared
 * between calls but the wanted-key set, kept per environment (each worker thread has its own).
 */
#define NAPI_VERSION 8
#include <node_api.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

/*
 * The output layout's version: the loader refuses a build whose layout is not the one the
 * reader expects (a stale build after an update), instead of misreading it.
 */
#define LAYOUT_VERSION 3

/* Per-record output slots (Int32); the TypeScript side reads the same layout (scan-otel-console-records.ts). */
enum {
  R_START = 0, R_END, R_LINE,
  R_NAME = 3, R_TRACE = 6, R_SPAN = 9, R_PARENT = 12, R_START_TIME = 15, R_END_TIME = 18,
  R_STATUS_CODE = 21, R_STATUS_DESC = 24, R_KIND = 27,
  R_ATTR_FIRST = 30, R_ATTR_COUNT = 31,
  /* Doubles (two slots each): start and end in µs since the epoch, where F_TIME says so. */
  R_START_US = 32, R_END_US = 34,
  /* The status code as OTLP numbers it (0 unset, 1 ok, 2 error), or -1 if not one of Python's names. */
  R_STATUS = 36,
  R_SLOTS = 40
};
/* Per-attribute output slots: key id, value type, start, end (a string's without its quotes). */
enum { A_KEY = 0, A_TYPE, A_START, A_END, A_SLOTS = 4 };
/* A field's flags sit in its third slot; a value type's flags above its low nibble. */
enum {
  F_PRESENT = 1, F_NULL = 2, F_ESCAPED = 4, F_NON_ASCII = 8, F_SURROGATE = 16,
  /* An id that is 16 or 32 lower-case hex digits (its range then excludes a `0x`); all zeros too. */
  F_HEX_ID = 32, F_ZERO_ID = 64,
  /* A time in OTel Python's canonical form, read into its double slot. */
  F_TIME = 128,
  /* A trace id with the same bytes as the previous record's in this call (the reader reuses its string). */
  F_SAME_AS_PREVIOUS = 256
};
enum { T_STRING = 1, T_NUMBER = 2, T_TRUE = 3, T_FALSE = 4, T_NULL = 5, T_RAW = 6 };

#define MAX_DEPTH 512

typedef struct {
  uint32_t capacity; /* power of two */
  uint32_t *hashes;
  int32_t *ids;     /* -1: empty */
  char **keys;
  uint32_t *lengths;
} KeySet;

typedef struct {
  const uint8_t *b;
  size_t end;
  size_t pos;
  int32_t lines;
  int failed;
} Parser;

static uint32_t hash_bytes(const uint8_t *p, size_t n) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 16777619u;
  return h;
}

static int32_t keyset_find(const KeySet *set, const uint8_t *p, size_t n) {
  if (!set || set->capacity == 0) return -1;
  uint32_t h = hash_bytes(p, n);
  for (uint32_t i = h & (set->capacity - 1);; i = (i + 1) & (set->capacity - 1)) {
    int32_t id = set->ids[i];
    if (id < 0) return -1;
    if (set->hashes[i] == h && set->lengths[i] == n && memcmp(set->keys[i], p, n) == 0) return id;
  }
}

static void keyset_free(KeySet *set) {
  if (!set) return;
  for (uint32_t i = 0; i < set->capacity; i++) free(set->keys[i]);
  free(set->hashes);
  free(set->ids);
  free(set->keys);
  free(set->lengths);
  free(set);
}

static void finalize_keyset(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  keyset_free((KeySet *)data);
}

/* ---- strict JSON ---- */

/* Whitespace inside a record. A line break followed by `{` at column 0 means the record was cut
 * off and a new one starts (the framer's rule): refuse, so the framer reports it. */
static inline void skip_ws(Parser *p) {
  while (p->pos < p->end) {
    uint8_t c = p->b[p->pos];
    if (c == ' ' || c == '\t' || c == '\r') p->pos++;
    else if (c == '\n') {
      p->lines++;
      p->pos++;
      if (p->pos < p->end && p->b[p->pos] == '{') {
        p->failed = 1;
        return;
      }
    } else return;
  }
}

static inline int hex_value(uint8_t c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* A string at pos (its opening quote). Sets [*s, *e) to its contents and *flags; pos after it. */
static int scan_string(Parser *p, int32_t *s, int32_t *e, int *flags) {
  const uint8_t *b = p->b;
  size_t i = p->pos + 1, end = p->end;
  int f = 0;
  *s = (int32_t)i;
  for (;;) {
#ifdef __SSE2__
    const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\'), space = _mm_set1_epi8(0x20);
    while (i + 16 <= end) {
      __m128i v = _mm_loadu_si128((const __m128i *)(b + i));
      /* Signed compare: bytes >= 0x80 are negative, so "< 0x20" also finds non-ASCII bytes. */
      __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)), _mm_cmplt_epi8(v, space));
      int mask = _mm_movemask_epi8(hit);
      if (mask == 0) {
        i += 16;
        continue;
      }
      i += (size_t)__builtin_ctz((unsigned)mask);
      break;
    }
#endif
    if (i >= end) return 0;
    uint8_t c = b[i];
    if (c == '"') {
      *e = (int32_t)i;
      *flags = f;
      p->pos = i + 1;
      return 1;
    }
    if (c == '\\') {
      if (i + 1 >= end) return 0;
      uint8_t x = b[i + 1];
      f |= F_ESCAPED;
      if (x == 'u') {
        if (i + 5 >= end) return 0;
        int v = 0;
        for (int k = 2; k < 6; k++) {
          int h = hex_value(b[i + k]);
          if (h < 0) return 0;
          v = v * 16 + h;
        }
        if (v >= 0xD800 && v <= 0xDFFF) f |= F_SURROGATE;
        i += 6;
      } else if (x == '"' || x == '\\' || x == '/' || x == 'b' || x == 'f' || x == 'n' || x == 'r' || x == 't') {
        i += 2;
      } else return 0;
      continue;
    }
    if (c < 0x20) return 0;
    if (c >= 0x80) f |= F_NON_ASCII;
    i++;
  }
}

static inline int is_digit(uint8_t c) { return c >= '0' && c <= '9'; }

/* A number at pos, by JSON's grammar; pos after it. */
static int scan_number(Parser *p) {
  const uint8_t *b = p->b;
  size_t i = p->pos, end = p->end;
  if (i < end && b[i] == '-') i++;
  if (i >= end) return 0;
  if (b[i] == '0') i++;
  else if (is_digit(b[i])) {
    while (i < end && is_digit(b[i])) i++;
  } else return 0;
  if (i < end && b[i] == '.') {
    i++;
    if (i >= end || !is_digit(b[i])) return 0;
    while (i < end && is_digit(b[i])) i++;
  }
  if (i < end && (b[i] == 'e' || b[i] == 'E')) {
    i++;
    if (i < end && (b[i] == '+' || b[i] == '-')) i++;
    if (i >= end || !is_digit(b[i])) return 0;
    while (i < end && is_digit(b[i])) i++;
  }
  /* A number is never the last byte of a record: something must follow it. */
  if (i >= end) return 0;
  p->pos = i;
  return 1;
}

static int scan_literal(Parser *p, const char *word, size_t n) {
  if (p->pos + n > p->end || memcmp(p->b + p->pos, word, n) != 0) return 0;
  p->pos += n;
  return 1;
}

static int skip_value(Parser *p, int depth);

static int skip_container(Parser *p, int depth, uint8_t close) {
  if (depth >= MAX_DEPTH) return 0;
  int isObject = close == '}';
  p->pos++;
  skip_ws(p);
  if (p->failed || p->pos >= p->end) return 0;
  if (p->b[p->pos] == close) {
    p->pos++;
    return 1;
  }
  for (;;) {
    if (isObject) {
      int32_t s, e;
      int f;
      if (p->b[p->pos] != '"' || !scan_string(p, &s, &e, &f)) return 0;
      skip_ws(p);
      if (p->failed || p->pos >= p->end || p->b[p->pos] != ':') return 0;
      p->pos++;
      skip_ws(p);
      if (p->failed || p->pos >= p->end) return 0;
    }
    if (!skip_value(p, depth + 1)) return 0;
    skip_ws(p);
    if (p->failed || p->pos >= p->end) return 0;
    uint8_t c = p->b[p->pos];
    if (c == close) {
      p->pos++;
      return 1;
    }
    if (c != ',') return 0;
    p->pos++;
    skip_ws(p);
    if (p->failed || p->pos >= p->end) return 0;
  }
}

static int skip_value(Parser *p, int depth) {
  uint8_t c = p->b[p->pos];
  int32_t s, e;
  int f;
  switch (c) {
    case '"': return scan_string(p, &s, &e, &f);
    case '{': return skip_container(p, depth, '}');
    case '[': return skip_container(p, depth, ']');
    case 't': return scan_literal(p, "true", 4);
    case 'f': return scan_literal(p, "false", 5);
    case 'n': return scan_literal(p, "null", 4);
    default: return (c == '-' || is_digit(c)) ? scan_number(p) : 0;
  }
}

/* ---- the console span's shape ---- */

static inline int key_is(const uint8_t *b, int32_t s, int32_t e, const char *word) {
  size_t n = strlen(word);
  return (size_t)(e - s) == n && memcmp(b + s, word, n) == 0;
}

/* A field that must be a string or null: into out[0..2]. Refuses other types and repeats. */
static int read_text_field(Parser *p, int32_t *out, int allowNull) {
  if (out[2] != 0) return 0; /* a repeated key: JSON.parse keeps the last, the framer decides */
  uint8_t c = p->b[p->pos];
  if (c == '"') {
    int f;
    if (!scan_string(p, &out[0], &out[1], &f)) return 0;
    if (f & F_SURROGATE) return 0; /* lone surrogates are repaired by the framer */
    out[2] = F_PRESENT | f;
    return 1;
  }
  if (allowNull && c == 'n' && scan_literal(p, "null", 4)) {
    out[0] = out[1] = 0;
    out[2] = F_PRESENT | F_NULL;
    return 1;
  }
  return 0;
}

/* Iterates an object's members at pos, calling member() with each key's range; pos after it. */
typedef int (*MemberFn)(Parser *p, int32_t ks, int32_t ke, int keyFlags, void *ctx);

static int for_each_member(Parser *p, MemberFn member, void *ctx) {
  p->pos++;
  skip_ws(p);
  if (p->failed || p->pos >= p->end) return 0;
  if (p->b[p->pos] == '}') {
    p->pos++;
    return 1;
  }
  for (;;) {
    int32_t ks, ke;
    int kf;
    if (p->b[p->pos] != '"' || !scan_string(p, &ks, &ke, &kf)) return 0;
    skip_ws(p);
    if (p->failed || p->pos >= p->end || p->b[p->pos] != ':') return 0;
    p->pos++;
    skip_ws(p);
    if (p->failed || p->pos >= p->end) return 0;
    if (!member(p, ks, ke, kf, ctx)) return 0;
    skip_ws(p);
    if (p->failed || p->pos >= p->end) return 0;
    uint8_t c = p->b[p->pos];
    if (c == '}') {
      p->pos++;
      return 1;
    }
    if (c != ',') return 0;
    p->pos++;
    skip_ws(p);
    if (p->failed || p->pos >= p->end) return 0;
  }
}

typedef struct {
  int32_t *rec;
  int32_t *attrs;   /* the whole attribute output */
  double *numbers;  /* one per attribute slot */
  int32_t attrUsed; /* attributes written so far in this call */
  int32_t attrCapacity;
  const KeySet *wanted;
  int sawContext, sawKind, sawStatus, sawAttributes;
} RecordCtx;

static int context_member(Parser *p, int32_t ks, int32_t ke, int kf, void *ctx) {
  RecordCtx *r = (RecordCtx *)ctx;
  if (kf & F_ESCAPED) return 0;
  if (key_is(p->b, ks, ke, "trace_id")) return read_text_field(p, r->rec + R_TRACE, 0);
  if (key_is(p->b, ks, ke, "span_id")) return read_text_field(p, r->rec + R_SPAN, 0);
  return skip_value(p, 2);
}

static int status_member(Parser *p, int32_t ks, int32_t ke, int kf, void *ctx) {
  RecordCtx *r = (RecordCtx *)ctx;
  if (kf & F_ESCAPED) return 0;
  if (key_is(p->b, ks, ke, "status_code")) return read_text_field(p, r->rec + R_STATUS_CODE, 1);
  if (key_is(p->b, ks, ke, "description")) return read_text_field(p, r->rec + R_STATUS_DESC, 1);
  return skip_value(p, 2);
}

static int attribute_member(Parser *p, int32_t ks, int32_t ke, int kf, void *ctx) {
  RecordCtx *r = (RecordCtx *)ctx;
  /* An escaped key might spell a wanted one: only JSON.parse can say. */
  if (kf & F_ESCAPED) return 0;
  int32_t id = keyset_find(r->wanted, p->b + ks, (size_t)(ke - ks));
  if (id < 0) return skip_value(p, 2);
  if (r->attrUsed >= r->attrCapacity) return 0;
  int32_t *a = r->attrs + (size_t)r->attrUsed * A_SLOTS;
  double *number = r->numbers + r->attrUsed;
  uint8_t c = p->b[p->pos];
  size_t start = p->pos;
  a[A_KEY] = id;
  if (c == '"') {
    int f;
    if (!scan_string(p, &a[A_START], &a[A_END], &f)) return 0;
    if (f & F_SURROGATE) return 0; /* lone surrogates are repaired by the framer */
    a[A_TYPE] = T_STRING | (f << 4);
  } else if (c == '-' || is_digit(c)) {
    if (!scan_number(p)) return 0;
    /* strtod stops at the byte after the number, which the grammar made a delimiter. */
    *number = strtod((const char *)p->b + start, NULL);
    a[A_TYPE] = T_NUMBER;
    a[A_START] = (int32_t)start;
    a[A_END] = (int32_t)p->pos;
  } else if (c == 't' || c == 'f' || c == 'n') {
    if (!skip_value(p, 2)) return 0;
    a[A_TYPE] = c == 't' ? T_TRUE : c == 'f' ? T_FALSE : T_NULL;
    a[A_START] = a[A_END] = 0;
  } else {
    if (!skip_value(p, 2)) return 0;
    a[A_TYPE] = T_RAW;
    a[A_START] = (int32_t)start;
    a[A_END] = (int32_t)p->pos;
  }
  r->attrUsed++;
  r->rec[R_ATTR_COUNT]++;
  return 1;
}

/* 1 for a byte of lower-case hex. */
static inline unsigned is_hex_lower(uint8_t c) { return ((unsigned)(c - '0') < 10u) | ((unsigned)(c - 'a') < 6u); }

/* Marks an id field that is canonical hex, and moves its start past a `0x`. */
static void classify_id(const uint8_t *b, int32_t *field) {
  if ((field[2] & F_PRESENT) == 0 || (field[2] & (F_NULL | F_ESCAPED | F_NON_ASCII))) return;
  int32_t s = field[0], e = field[1];
  if (e - s >= 2 && b[s] == '0' && (b[s + 1] == 'x' || b[s + 1] == 'X')) s += 2;
  if (e - s != 16 && e - s != 32) return;
  /* Branch-free over the digits: ids are read three times a span. */
  unsigned isHex = 1, nonZero = 0;
  for (int32_t i = s; i < e; i++) {
    isHex &= is_hex_lower(b[i]);
    nonZero |= (unsigned)(b[i] ^ '0');
  }
  if (!isHex) return;
  field[0] = s;
  field[2] |= F_HEX_ID | (nonZero ? 0 : F_ZERO_ID);
}

static int digits(const uint8_t *p, int n) {
  int v = 0;
  for (int i = 0; i < n; i++) {
    if (!is_digit(p[i])) return -1;
    v = v * 10 + (p[i] - '0');
  }
  return v;
}

/* Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, int m, int d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

/* `YYYY-MM-DDTHH:MM:SS.ffffffZ` (what OTel Python writes) into µs; anything else is left to JavaScript. */
static void read_canonical_time(const uint8_t *b, int32_t *field, int32_t *us) {
  if ((field[2] & F_PRESENT) == 0 || (field[2] & (F_NULL | F_ESCAPED | F_NON_ASCII)) || field[1] - field[0] != 27) return;
  const uint8_t *t = b + field[0];
  if (t[4] != '-' || t[7] != '-' || t[10] != 'T' || t[13] != ':' || t[16] != ':' || t[19] != '.' || t[26] != 'Z') return;
  int y = digits(t, 4), mo = digits(t + 5, 2), d = digits(t + 8, 2), h = digits(t + 11, 2), mi = digits(t + 14, 2), s = digits(t + 17, 2), f = digits(t + 20, 6);
  if (y < 1970 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 59 || f < 0) return;
  static const int month_days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (d > month_days[mo - 1] + (mo == 2 && leap)) return;
  int64_t seconds = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
  double value = (double)(seconds * 1000000 + f);
  memcpy(us, &value, sizeof value);
  field[2] |= F_TIME;
}

static int32_t read_status_code(const uint8_t *b, const int32_t *field) {
  if ((field[2] & F_PRESENT) == 0) return 0; /* no code: unset */
  if (field[2] & (F_NULL | F_ESCAPED)) return field[2] & F_NULL ? 0 : -1;
  if (key_is(b, field[0], field[1], "UNSET")) return 0;
  if (key_is(b, field[0], field[1], "OK")) return 1;
  if (key_is(b, field[0], field[1], "ERROR")) return 2;
  return -1;
}

static int record_member(Parser *p, int32_t ks, int32_t ke, int kf, void *ctx) {
  RecordCtx *r = (RecordCtx *)ctx;
  const uint8_t *b = p->b;
  if (kf & F_ESCAPED) return 0;
  uint8_t c = b[p->pos];
  if (key_is(b, ks, ke, "name")) return read_text_field(p, r->rec + R_NAME, 0);
  if (key_is(b, ks, ke, "context")) {
    if (r->sawContext++ || c != '{') return 0;
    return for_each_member(p, context_member, r);
  }
  if (key_is(b, ks, ke, "kind")) {
    r->sawKind++;
    if (!read_text_field(p, r->rec + R_KIND, 0)) return 0;
    int32_t *k = r->rec + R_KIND;
    return (k[2] & F_ESCAPED) == 0 && k[1] - k[0] >= 9 && memcmp(b + k[0], "SpanKind.", 9) == 0;
  }
  if (key_is(b, ks, ke, "parent_id")) return read_text_field(p, r->rec + R_PARENT, 1);
  if (key_is(b, ks, ke, "start_time")) return read_text_field(p, r->rec + R_START_TIME, 1);
  if (key_is(b, ks, ke, "end_time")) return read_text_field(p, r->rec + R_END_TIME, 1);
  if (key_is(b, ks, ke, "status")) {
    if (r->sawStatus++) return 0;
    if (c == 'n') return scan_literal(p, "null", 4);
    return c == '{' && for_each_member(p, status_member, r);
  }
  if (key_is(b, ks, ke, "attributes")) {
    if (r->sawAttributes++) return 0;
    if (c == 'n') return scan_literal(p, "null", 4);
    return c == '{' && for_each_member(p, attribute_member, r);
  }
  /* Keys that make the record another format (adapt-record tests OTLP before console spans). */
  if (key_is(b, ks, ke, "resourceSpans") || key_is(b, ks, ke, "resource_spans") || key_is(b, ks, ke, "batches")) return 0;
  return skip_value(p, 1);
}

/* One record at pos ('{'). On success pos is just after its closing brace. */
static int scan_record(Parser *p, RecordCtx *r) {
  memset(r->rec, 0, sizeof(int32_t) * R_SLOTS);
  r->rec[R_ATTR_FIRST] = r->attrUsed;
  r->sawContext = r->sawKind = r->sawStatus = r->sawAttributes = 0;
  r->rec[R_START] = (int32_t)p->pos;
  if (!for_each_member(p, record_member, r)) return 0;
  r->rec[R_END] = (int32_t)p->pos;
  int32_t *rec = r->rec;
  classify_id(p->b, rec + R_TRACE);
  classify_id(p->b, rec + R_SPAN);
  classify_id(p->b, rec + R_PARENT);
  read_canonical_time(p->b, rec + R_START_TIME, rec + R_START_US);
  read_canonical_time(p->b, rec + R_END_TIME, rec + R_END_US);
  rec[R_STATUS] = read_status_code(p->b, rec + R_STATUS_CODE);
  /* The console shape: ids under `context`, a `SpanKind.` kind (isOtelConsoleSpan). */
  return r->sawContext && r->sawKind && (r->rec[R_TRACE + 2] & F_PRESENT) && (r->rec[R_SPAN + 2] & F_PRESENT);
}

static int same_bytes(const uint8_t *b, int32_t s1, int32_t e1, int32_t s2, int32_t e2) {
  return e1 - s1 == e2 - s2 && memcmp(b + s1, b + s2, (size_t)(e1 - s1)) == 0;
}

/*
 * Flags what a record repeats of the record before it in the same call: its trace id, and
 * string attributes with the same key and bytes (a session id, a model). The reader reuses
 * the previous record's strings for them: spans of one trace come in runs.
 */
static void mark_repeats(const uint8_t *b, const int32_t *previous, int32_t *rec, int32_t *attrs) {
  const int32_t *pt = previous + R_TRACE;
  int32_t *trace = rec + R_TRACE;
  if ((trace[2] & F_HEX_ID) && (pt[2] & F_HEX_ID) && same_bytes(b, trace[0], trace[1], pt[0], pt[1])) trace[2] |= F_SAME_AS_PREVIOUS;
  const int32_t *before = attrs + (size_t)previous[R_ATTR_FIRST] * A_SLOTS;
  int32_t beforeCount = previous[R_ATTR_COUNT];
  int32_t *mine = attrs + (size_t)rec[R_ATTR_FIRST] * A_SLOTS;
  for (int32_t i = 0; i < rec[R_ATTR_COUNT]; i++) {
    int32_t *a = mine + (size_t)i * A_SLOTS;
    if ((a[A_TYPE] & 0xf) != T_STRING) continue;
    /* The previous record's last value of the key is the one its reader kept. */
    const int32_t *p = NULL;
    for (int32_t j = 0; j < beforeCount; j++) {
      if (before[(size_t)j * A_SLOTS + A_KEY] == a[A_KEY]) p = before + (size_t)j * A_SLOTS;
    }
    if (p && (p[A_TYPE] & ~(F_SAME_AS_PREVIOUS << 4)) == a[A_TYPE] && same_bytes(b, a[A_START], a[A_END], p[A_START], p[A_END])) {
      a[A_TYPE] |= F_SAME_AS_PREVIOUS << 4;
    }
  }
}

/* ---- Node-API ---- */

#define CHECK(call) \
  do { \
    if ((call) != napi_ok) { \
      napi_throw_error(env, NULL, "record scanner: " #call " failed"); \
      return NULL; \
    } \
  } while (0)

static napi_value set_wanted_keys(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value args[1];
  CHECK(napi_get_cb_info(env, info, &argc, args, NULL, NULL));
  uint32_t count = 0;
  CHECK(napi_get_array_length(env, args[0], &count));
  uint32_t capacity = 16;
  while (capacity < count * 2 + 2) capacity *= 2;
  KeySet *set = calloc(1, sizeof(KeySet));
  set->capacity = capacity;
  set->hashes = calloc(capacity, sizeof(uint32_t));
  set->ids = malloc(capacity * sizeof(int32_t));
  set->keys = calloc(capacity, sizeof(char *));
  set->lengths = calloc(capacity, sizeof(uint32_t));
  for (uint32_t i = 0; i < capacity; i++) set->ids[i] = -1;
  for (uint32_t id = 0; id < count; id++) {
    napi_value key;
    size_t length = 0;
    CHECK(napi_get_element(env, args[0], id, &key));
    CHECK(napi_get_value_string_utf8(env, key, NULL, 0, &length));
    char *text = malloc(length + 1);
    CHECK(napi_get_value_string_utf8(env, key, text, length + 1, &length));
    uint32_t h = hash_bytes((const uint8_t *)text, length);
    uint32_t slot = h & (capacity - 1);
    while (set->ids[slot] >= 0) slot = (slot + 1) & (capacity - 1);
    set->hashes[slot] = h;
    set->ids[slot] = (int32_t)id;
    set->keys[slot] = text;
    set->lengths[slot] = (uint32_t)length;
  }
  KeySet *old = NULL;
  if (napi_get_instance_data(env, (void **)&old) == napi_ok && old) keyset_free(old);
  CHECK(napi_set_instance_data(env, set, finalize_keyset, NULL));
  return NULL;
}

/* A typed array's bytes; *ok is 0 when `value` is not a typed array (an empty one may have no data pointer). */
static void *typed_data(napi_env env, napi_value value, size_t *length, int *ok) {
  napi_typedarray_type type;
  void *data = NULL;
  napi_value buffer;
  size_t offset;
  *ok = napi_get_typedarray_info(env, value, &type, length, &data, &buffer, &offset) == napi_ok;
  return data;
}

/*
 * scan(bytes, start, end, records: Int32Array, attributes: Int32Array, numbers: Float64Array)
 * → records accepted from `start` on. records[0] is where scanning stopped (just after the last
 * accepted record), records[1] the line breaks before that; each record's slots follow from
 * records[R_SLOTS]. Stops at the first record it does not accept, or when the outputs are full.
 */
static napi_value scan(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value args[6];
  CHECK(napi_get_cb_info(env, info, &argc, args, NULL, NULL));
  if (argc < 6) {
    napi_throw_type_error(env, NULL, "record scanner: scan needs 6 arguments");
    return NULL;
  }
  size_t byteLength = 0, recordLength = 0, attrLength = 0, numberLength = 0;
  int ok[4];
  const uint8_t *bytes = typed_data(env, args[0], &byteLength, &ok[0]);
  int32_t *records = typed_data(env, args[3], &recordLength, &ok[1]);
  int32_t *attrs = typed_data(env, args[4], &attrLength, &ok[2]);
  double *numbers = typed_data(env, args[5], &numberLength, &ok[3]);
  int64_t start = 0, end = 0;
  CHECK(napi_get_value_int64(env, args[1], &start));
  CHECK(napi_get_value_int64(env, args[2], &end));
  if (!ok[0] || !ok[1] || !ok[2] || !ok[3] || !records || !attrs || !numbers || start < 0 || end < start || (size_t)end > byteLength || recordLength < 2 * R_SLOTS) {
    napi_throw_range_error(env, NULL, "record scanner: bad arguments");
    return NULL;
  }
  napi_value result;
  if (byteLength > 0x7fffffff) {
    /* Offsets are 32-bit: a piece this large (one record of gigabytes) is left to JavaScript. */
    records[0] = (int32_t)0;
    records[1] = 0;
    CHECK(napi_create_int32(env, 0, &result));
    return result;
  }
  KeySet *wanted = NULL;
  napi_get_instance_data(env, (void **)&wanted);

  Parser p = {bytes, (size_t)end, (size_t)start, 0, 0};
  RecordCtx r = {0};
  r.attrs = attrs;
  r.numbers = numbers;
  r.attrCapacity = (int32_t)(attrLength / A_SLOTS < numberLength ? attrLength / A_SLOTS : numberLength);
  r.wanted = wanted;
  int32_t capacity = (int32_t)(recordLength / R_SLOTS) - 1;
  int32_t count = 0;
  size_t stop = p.pos;
  int32_t stopLines = 0;
  while (count < capacity) {
    /* Blanks between records, as the framer skips them. */
    while (p.pos < p.end) {
      uint8_t c = bytes[p.pos];
      if (c == '\n') p.lines++;
      else if (c != ' ' && c != '\t' && c != '\r') break;
      p.pos++;
    }
    if (p.pos >= p.end || bytes[p.pos] != '{') break;
    int32_t lineBefore = p.lines;
    int32_t attrsBefore = r.attrUsed;
    r.rec = records + (size_t)(count + 1) * R_SLOTS;
    if (!scan_record(&p, &r) || p.failed) {
      r.attrUsed = attrsBefore;
      break;
    }
    r.rec[R_LINE] = lineBefore;
    if (count > 0) mark_repeats(bytes, records + (size_t)count * R_SLOTS, r.rec, attrs);
    count++;
    stop = p.pos;
    stopLines = p.lines;
  }
  records[0] = (int32_t)stop;
  records[1] = stopLines;
  CHECK(napi_create_int32(env, count, &result));
  return result;
}

/*
 * countByte(bytes, byte, start, end) → how many times `byte` occurs in bytes[start, end). The
 * tailer counts a piece's line breaks before handing it out (the next piece's first line);
 * an indented trace has one every ~35 bytes, too many for a JavaScript indexOf loop.
 */
static napi_value count_byte(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value args[4];
  CHECK(napi_get_cb_info(env, info, &argc, args, NULL, NULL));
  size_t length = 0;
  int ok = 0;
  const uint8_t *bytes = argc >= 4 ? typed_data(env, args[0], &length, &ok) : NULL;
  int32_t byte = 0;
  int64_t start = 0, end = 0;
  if (!ok || napi_get_value_int32(env, args[1], &byte) != napi_ok || napi_get_value_int64(env, args[2], &start) != napi_ok ||
      napi_get_value_int64(env, args[3], &end) != napi_ok || start < 0 || end < start || (size_t)end > length) {
    napi_throw_range_error(env, NULL, "record scanner: bad arguments to countByte");
    return NULL;
  }
  size_t i = (size_t)start, stop = (size_t)end;
  int64_t count = 0;
#ifdef __SSE2__
  const __m128i needle = _mm_set1_epi8((char)byte);
  for (; i + 16 <= stop; i += 16) {
    __m128i v = _mm_loadu_si128((const __m128i *)(bytes + i));
    count += __builtin_popcount((unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, needle)));
  }
#endif
  for (; i < stop; i++) count += bytes[i] == (uint8_t)byte;
  napi_value result;
  CHECK(napi_create_int64(env, count, &result));
  return result;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  if (napi_create_function(env, "scan", NAPI_AUTO_LENGTH, scan, NULL, &fn) != napi_ok) return NULL;
  if (napi_set_named_property(env, exports, "scan", fn) != napi_ok) return NULL;
  if (napi_create_function(env, "setWantedKeys", NAPI_AUTO_LENGTH, set_wanted_keys, NULL, &fn) != napi_ok) return NULL;
  if (napi_set_named_property(env, exports, "setWantedKeys", fn) != napi_ok) return NULL;
  if (napi_create_function(env, "countByte", NAPI_AUTO_LENGTH, count_byte, NULL, &fn) != napi_ok) return NULL;
  if (napi_set_named_property(env, exports, "countByte", fn) != napi_ok) return NULL;
  napi_value version;
  if (napi_create_int32(env, LAYOUT_VERSION, &version) != napi_ok) return NULL;
  if (napi_set_named_property(env, exports, "layoutVersion", version) != napi_ok) return NULL;
  return exports;
}
