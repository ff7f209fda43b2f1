/**
 * A session's merged run meta (typed runs' `add_meta`, FORMATS.md §9) as short text: one
 * "key: value" per key, in key order, values as they are when text and as compact JSON
 * otherwise, cut so a header chip stays short; the whole list goes in a tooltip.
 */
import type { AttributeValue, Attributes } from '../../shared/model/attribute-value';

const MAX_VALUE_CHARS = 80;

/** A meta value as text: a string as it is, anything else as compact JSON; long values end in "…". */
export function formatMetaValue(value: AttributeValue, maxChars = MAX_VALUE_CHARS): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > maxChars ? `${text.slice(0, maxChars - 1)}…` : text;
}

/** "key: value" for each key, sorted by key; [] without meta. */
export function listMetaEntries(meta: Attributes | null | undefined): string[] {
  if (!meta) return [];
  return Object.keys(meta)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((key) => `${key}: ${formatMetaValue(meta[key])}`);
}
