/**
 * Attribute values are often JSON written into strings (tool arguments, message lists).
 * These helpers decide when a string is worth pretty-printing and do it without ever
 * evaluating anything: JSON.parse only, objects and arrays only.
 */
import type { AttributeValue } from '../../shared/model/attribute-value';

/** Strings longer than this are not parsed for pretty-printing (the raw text is still shown). */
export const MAX_PRETTY_JSON_CHARS = 2_000_000;

/** The parsed object or array in a string that holds one, else undefined. */
export function parseJsonContainer(text: string): AttributeValue | undefined {
  if (text.length < 2 || text.length > MAX_PRETTY_JSON_CHARS) return undefined;
  const first = text.trimStart()[0];
  if (first !== '{' && first !== '[') return undefined;
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null ? (value as AttributeValue) : undefined;
  } catch {
    return undefined;
  }
}

/** A value as display text: strings as they are, everything else as (pretty) JSON. */
export function formatAttributeValue(value: AttributeValue, isPretty = false): string {
  if (typeof value === 'string') return value;
  if (value === null) return 'null';
  if (typeof value === 'object') return JSON.stringify(value, null, isPretty ? 2 : undefined);
  return String(value);
}

/** A string's JSON content pretty-printed with 2-space indentation, or undefined if it has none. */
export function formatPrettyJson(text: string): string | undefined {
  const parsed = parseJsonContainer(text);
  return parsed === undefined ? undefined : JSON.stringify(parsed, null, 2);
}

/** Text cut to `maxChars` for display, with how much was left out. */
export function truncateText(text: string, maxChars: number): { text: string; omittedChars: number } {
  if (text.length <= maxChars) return { text, omittedChars: 0 };
  return { text: text.slice(0, maxChars), omittedChars: text.length - maxChars };
}
