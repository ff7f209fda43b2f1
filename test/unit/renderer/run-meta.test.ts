import { describe, expect, it } from 'vitest';
import { formatMetaValue, listMetaEntries } from '../../../src/renderer/lib/run-meta';

describe('run meta as text', () => {
  const values: [string, Parameters<typeof formatMetaValue>[0], string][] = [
    ['text as it is', 'cust_123', 'cust_123'],
    ['a number', 42, '42'],
    ['a boolean', false, 'false'],
    ['null', null, 'null'],
    ['a dict as compact JSON', { a: [1, 2] }, '{"a":[1,2]}'],
    ['long text cut with an ellipsis', 'x'.repeat(100), `${'x'.repeat(79)}…`],
  ];
  for (const [name, value, text] of values) it(name, () => expect(formatMetaValue(value)).toBe(text));

  it('lists keys in order', () => {
    expect(listMetaEntries({ plan: 'pro', customer_id: 'cust_123' })).toEqual(['customer_id: cust_123', 'plan: pro']);
    expect(listMetaEntries({})).toEqual([]);
    expect(listMetaEntries(undefined)).toEqual([]);
  });
});
