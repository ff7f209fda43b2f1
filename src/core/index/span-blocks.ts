/**
 * How the index stores spans: a trace's spans from one piece of the source as one block, in
 * file order, instead of a row per span. A block holds two JSON texts: its tree columns (what
 * building a span tree needs: ids, parents, starts, criteria, keys) and its field rows (what a
 * waterfall row and reading the record back need). One insert per trace and piece instead of one
 * per span, and a 100,000-span tree is read back by JSON.parse of its tree columns alone.
 *
 * A file's span key is its block's key times BLOCK_SPANS plus its position in the block; a run
 * database's spans bring keys of their own (kept in the tree columns). Pure: no SQL here.
 */
import type { Decision, SpanStatus, SpanType } from '../../shared/model/span-type';
import type { IndexableSpan } from '../ingest/ingest-records';

/** Spans per block at most. */
export const BLOCK_SPANS = 4096;

/**
 * A block's tree columns, one entry per span. `criteria` and `keys` are absent when all null.
 * Stored, `starts` are µs after `base` (small integers: a double takes JSON.stringify ~4× as
 * long as a small integer, and twice the bytes); parseBlockTree gives them back as µs.
 */
export interface BlockTree {
  ids: string[];
  parents: (string | null)[];
  starts: (number | null)[];
  /** The earliest start of the block, in µs (0 when no span has one). */
  base: number;
  /** Typed criterion spans: 0 read from the source, 1 synthesised from its Grade. */
  criteria?: (0 | 1 | null)[];
  /** The keys the source gave its spans (a run database's rows). */
  keys?: number[];
}

/**
 * A block's other fields, as columns too (no array per span to allocate and write). Columns
 * that are null for every span of the block are left out, and `formats` is one string when
 * the block's spans share their format (they almost always do).
 */
export interface BlockFields {
  names: string[];
  types: SpanType[];
  statuses: SpanStatus[];
  /** Stored as µs after `base`, `offsets` after `offsetBase`, `lines` after `lineBase` (see parseBlockFields). */
  ends: (number | null)[];
  base: number;
  offsetBase: number;
  lineBase: number;
  models?: (string | null)[];
  inputTokens?: (number | null)[];
  outputTokens?: (number | null)[];
  decisions?: (Decision | null)[];
  offsets: number[];
  lengths: number[];
  lines: number[];
  indexes: number[];
  formats: string | string[];
}

/** One span's fields out of its block. */
export interface SpanFieldValues {
  name: string;
  spanType: SpanType;
  status: SpanStatus;
  endUs: number | null;
  model: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
  decision: Decision | null;
  recordOffset: number;
  recordLength: number;
  recordLine: number;
  recordIndex: number;
  format: string;
}

export function readSpanFields(fields: BlockFields, position: number): SpanFieldValues {
  return {
    name: fields.names[position],
    spanType: fields.types[position],
    status: fields.statuses[position],
    endUs: fields.ends[position],
    model: fields.models?.[position] ?? null,
    inputTokens: fields.inputTokens?.[position] ?? null,
    outputTokens: fields.outputTokens?.[position] ?? null,
    decision: fields.decisions?.[position] ?? null,
    recordOffset: fields.offsets[position],
    recordLength: fields.lengths[position],
    recordLine: fields.lines[position],
    recordIndex: fields.indexes[position],
    format: formatAt(fields, position),
  };
}

function formatAt(fields: BlockFields, position: number): string {
  return typeof fields.formats === 'string' ? fields.formats : fields.formats[position];
}

/** One block ready to insert. */
export interface EncodedBlock {
  /** File order of its first and last span: (record offset, position in the record). */
  firstOffset: number;
  firstIndex: number;
  lastOffset: number;
  lastIndex: number;
  spanCount: number;
  /** Typed-agent message, llm or tool spans (what the Conversation tab reads). */
  conversationCount: number;
  tree: string;
  fields: string;
  /** The source's span keys, by position, when it gave them. */
  keys: number[] | null;
}

const CONVERSATION_TYPES: ReadonlySet<string> = new Set(['message', 'llm', 'tool']);

/** A typed-agent span the Conversation tab shows (encodeSpanBlocks counts them by the same rule). */
export function isConversationSpan(fields: BlockFields, position: number): boolean {
  return formatAt(fields, position) === 'typed-agent' && CONVERSATION_TYPES.has(fields.types[position]);
}

/** Compares two spans in file order: record offset, then position among the record's spans. */
export function compareFileOrder(offsetA: number, indexA: number, offsetB: number, indexB: number): number {
  return offsetA !== offsetB ? offsetA - offsetB : indexA - indexB;
}

function isInFileOrder(spans: readonly IndexableSpan[]): boolean {
  for (let i = 1; i < spans.length; i++) {
    if (compareFileOrder(spans[i - 1].recordOffset, spans[i - 1].recordIndex, spans[i].recordOffset, spans[i].recordIndex) > 0) return false;
  }
  return true;
}

function encodeFields(spans: readonly IndexableSpan[], base: number): BlockFields {
  const count = spans.length;
  const offsetBase = spans[0].recordOffset;
  const lineBase = spans[0].recordLine;
  const names: string[] = [];
  const types: SpanType[] = [];
  const statuses: SpanStatus[] = [];
  const ends: (number | null)[] = [];
  const models: (string | null)[] = [];
  const inputTokens: (number | null)[] = [];
  const outputTokens: (number | null)[] = [];
  const decisions: (Decision | null)[] = [];
  const offsets: number[] = [];
  const lengths: number[] = [];
  const lines: number[] = [];
  const indexes: number[] = [];
  const format = spans[0].format;
  let isOneFormat = true;
  let hasModels = false;
  let hasInputTokens = false;
  let hasOutputTokens = false;
  let hasDecisions = false;
  for (let i = 0; i < count; i++) {
    const span = spans[i];
    names.push(span.name);
    types.push(span.spanType);
    statuses.push(span.status);
    ends.push(span.endUs === null ? null : span.endUs - base);
    models.push(span.model);
    inputTokens.push(span.inputTokens);
    outputTokens.push(span.outputTokens);
    decisions.push(span.decision);
    offsets.push(span.recordOffset - offsetBase);
    lengths.push(span.recordLength);
    lines.push(span.recordLine - lineBase);
    indexes.push(span.recordIndex);
    if (span.model !== null) hasModels = true;
    if (span.inputTokens !== null) hasInputTokens = true;
    if (span.outputTokens !== null) hasOutputTokens = true;
    if (span.decision !== null) hasDecisions = true;
    if (span.format !== format) isOneFormat = false;
  }
  // One shape for every block (optimized code stays valid): a column that is null for every
  // span is undefined, which JSON.stringify leaves out just as it would a missing key.
  return {
    names,
    types,
    statuses,
    ends,
    base,
    offsetBase,
    lineBase,
    models: hasModels ? models : undefined,
    inputTokens: hasInputTokens ? inputTokens : undefined,
    outputTokens: hasOutputTokens ? outputTokens : undefined,
    decisions: hasDecisions ? decisions : undefined,
    offsets,
    lengths,
    lines,
    indexes,
    formats: isOneFormat ? format : spans.map((span) => span.format),
  };
}

/** One trace's spans of a batch as blocks of at most BLOCK_SPANS, in file order. */
export function encodeSpanBlocks(traceSpans: IndexableSpan[]): EncodedBlock[] {
  const spans = isInFileOrder(traceSpans)
    ? traceSpans
    : [...traceSpans].sort((a, b) => compareFileOrder(a.recordOffset, a.recordIndex, b.recordOffset, b.recordIndex));
  const blocks: EncodedBlock[] = [];
  for (let start = 0; start < spans.length; start += BLOCK_SPANS) {
    const part = spans.length <= BLOCK_SPANS ? spans : spans.slice(start, start + BLOCK_SPANS);
    const count = part.length;
    const ids: string[] = [];
    const parents: (string | null)[] = [];
    const starts: (number | null)[] = [];
    let hasCriteria = false;
    let hasKeys = false;
    let base = Infinity;
    for (let i = 0; i < count; i++) {
      const span = part[i];
      ids.push(span.spanId);
      parents.push(span.parentSpanId);
      if (span.startUs !== null && span.startUs < base) base = span.startUs;
      if (span.criterion !== null) hasCriteria = true;
      if (span.spanKey !== undefined) hasKeys = true;
    }
    if (base === Infinity) base = 0;
    for (let i = 0; i < count; i++) {
      const startUs = part[i].startUs;
      starts.push(startUs === null ? null : startUs - base);
    }
    // One shape for every block, as for its fields: undefined columns are left out of the text.
    const tree: BlockTree = {
      ids,
      parents,
      starts,
      base,
      criteria: hasCriteria ? part.map((span) => (span.criterion === null ? null : span.criterion === 'synthesized' ? 1 : 0)) : undefined,
      // A source gives every span a key or none (index-store-job numbers the rest).
      keys: hasKeys ? part.map((span) => span.spanKey ?? 0) : undefined,
    };
    const fields = encodeFields(part, base);
    let conversationCount = 0;
    for (let i = 0; i < count; i++) if (part[i].format === 'typed-agent' && CONVERSATION_TYPES.has(part[i].spanType)) conversationCount++;
    const first = part[0];
    const last = part[count - 1];
    blocks.push({
      firstOffset: first.recordOffset,
      firstIndex: first.recordIndex,
      lastOffset: last.recordOffset,
      lastIndex: last.recordIndex,
      spanCount: count,
      conversationCount,
      tree: JSON.stringify(tree),
      fields: JSON.stringify(fields),
      keys: tree.keys ?? null,
    });
  }
  return blocks;
}

/** A block's stored tree columns, with its starts back in µs since the epoch. */
export function parseBlockTree(text: string): BlockTree {
  const tree = JSON.parse(text) as BlockTree;
  addBase(tree.starts, tree.base);
  return tree;
}

/** A block's stored fields, with ends, offsets and lines back as the source gave them. */
export function parseBlockFields(text: string): BlockFields {
  const fields = JSON.parse(text) as BlockFields;
  addBase(fields.ends, fields.base);
  addBase(fields.offsets, fields.offsetBase);
  addBase(fields.lines, fields.lineBase);
  return fields;
}

function addBase(column: (number | null)[], base: number): void {
  if (base === 0) return;
  for (let i = 0; i < column.length; i++) {
    const value = column[i];
    if (value !== null) column[i] = value + base;
  }
}

/** The key of the span at `position` of a block. */
export function blockSpanKey(blockKey: number, position: number, tree: BlockTree): number {
  return tree.keys ? tree.keys[position] : blockKey * BLOCK_SPANS + position;
}

/** Where a file's span key points: its block and position (null for no such key). */
export function locateFileSpanKey(spanKey: number): { blockKey: number; position: number } | null {
  if (!Number.isSafeInteger(spanKey) || spanKey < BLOCK_SPANS) return null;
  return { blockKey: Math.floor(spanKey / BLOCK_SPANS), position: spanKey % BLOCK_SPANS };
}
