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

/** A block's tree columns, one entry per span. `criteria` and `keys` are absent when all null. */
export interface BlockTree {
  ids: string[];
  parents: (string | null)[];
  starts: (number | null)[];
  /** Typed criterion spans: 0 read from the source, 1 synthesised from its Grade. */
  criteria?: (0 | 1 | null)[];
  /** The keys the source gave its spans (a run database's rows). */
  keys?: number[];
}

/** A span's other fields, one JSON array per span (positions below). */
export type BlockFields = [
  name: string,
  spanType: SpanType,
  status: SpanStatus,
  endUs: number | null,
  model: string | null,
  inputTokens: number | null,
  outputTokens: number | null,
  decision: Decision | null,
  recordOffset: number,
  recordLength: number,
  recordLine: number,
  recordIndex: number,
  format: string,
];
export const NAME = 0;
export const SPAN_TYPE = 1;
export const STATUS = 2;
export const END_US = 3;
export const MODEL = 4;
export const INPUT_TOKENS = 5;
export const OUTPUT_TOKENS = 6;
export const DECISION = 7;
export const RECORD_OFFSET = 8;
export const RECORD_LENGTH = 9;
export const RECORD_LINE = 10;
export const RECORD_INDEX = 11;
export const FORMAT = 12;

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

/** A typed-agent span the Conversation tab shows. */
export function isConversationSpan(fields: BlockFields): boolean {
  return fields[FORMAT] === 'typed-agent' && CONVERSATION_TYPES.has(fields[SPAN_TYPE]);
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

function toFields(span: IndexableSpan): BlockFields {
  return [
    span.name,
    span.spanType,
    span.status,
    span.endUs,
    span.model,
    span.inputTokens,
    span.outputTokens,
    span.decision,
    span.recordOffset,
    span.recordLength,
    span.recordLine,
    span.recordIndex,
    span.format,
  ];
}

/** One trace's spans of a batch as blocks of at most BLOCK_SPANS, in file order. */
export function encodeSpanBlocks(traceSpans: IndexableSpan[]): EncodedBlock[] {
  const spans = isInFileOrder(traceSpans)
    ? traceSpans
    : [...traceSpans].sort((a, b) => compareFileOrder(a.recordOffset, a.recordIndex, b.recordOffset, b.recordIndex));
  const blocks: EncodedBlock[] = [];
  for (let start = 0; start < spans.length; start += BLOCK_SPANS) {
    const part = spans.length <= BLOCK_SPANS ? spans : spans.slice(start, start + BLOCK_SPANS);
    const tree: BlockTree = { ids: [], parents: [], starts: [] };
    const fields: BlockFields[] = [];
    let conversationCount = 0;
    let hasCriteria = false;
    let hasKeys = false;
    for (const span of part) {
      tree.ids.push(span.spanId);
      tree.parents.push(span.parentSpanId);
      tree.starts.push(span.startUs);
      if (span.criterion !== null) hasCriteria = true;
      if (span.spanKey !== undefined) hasKeys = true;
      const row = toFields(span);
      if (isConversationSpan(row)) conversationCount++;
      fields.push(row);
    }
    if (hasCriteria) tree.criteria = part.map((span) => (span.criterion === null ? null : span.criterion === 'synthesized' ? 1 : 0));
    // A source gives every span a key or none (index-store-job numbers the rest).
    if (hasKeys) tree.keys = part.map((span) => span.spanKey ?? 0);
    const first = part[0];
    const last = part[part.length - 1];
    blocks.push({
      firstOffset: first.recordOffset,
      firstIndex: first.recordIndex,
      lastOffset: last.recordOffset,
      lastIndex: last.recordIndex,
      spanCount: part.length,
      conversationCount,
      tree: JSON.stringify(tree),
      fields: JSON.stringify(fields),
      keys: tree.keys ?? null,
    });
  }
  return blocks;
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
