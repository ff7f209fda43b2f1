/**
 * A lookup table's own entry for a key read from the data. `table[key]` also finds what every
 * object inherits: a span whose kind or operation is named "constructor" or "toString" got a
 * function for a value.
 */
export function ownEntry<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}
