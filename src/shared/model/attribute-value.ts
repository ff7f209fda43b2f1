/** A JSON-safe attribute value: OTel AnyValue flattened to plain JSON. */
export type AttributeValue =
  | string
  | number
  | boolean
  | null
  | AttributeValue[]
  | { [key: string]: AttributeValue };

export type Attributes = Record<string, AttributeValue>;

/**
 * Any parsed JSON value as text, the way String() writes it, without ever throwing: an
 * object whose `toString` is data (`{"toString": 1}`) is written as JSON instead.
 */
export function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  try {
    return String(value);
  } catch {
    return JSON.stringify(value) ?? '';
  }
}
