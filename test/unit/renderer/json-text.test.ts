import { describe, expect, it } from 'vitest';
import { formatAttributeValue, formatPrettyJson, parseJsonContainer, truncateText } from '../../../src/renderer/lib/json-text';

describe('parseJsonContainer', () => {
  const cases: [string, string, unknown][] = [
    ['object', '{"a":1}', { a: 1 }],
    ['array with leading space', '  [1,2]', [1, 2]],
    ['plain text', 'hello', undefined],
    ['number is not a container', '42', undefined],
    ['quoted string is not a container', '"x"', undefined],
    ['broken json', '{"a":', undefined],
    ['null', 'null', undefined],
  ];
  it.each(cases)('%s', (_name, text, expected) => {
    expect(parseJsonContainer(text)).toEqual(expected);
  });
});

describe('formatting values', () => {
  const cases: [string, () => unknown, unknown][] = [
    ['string as is', () => formatAttributeValue('a <b>'), 'a <b>'],
    ['number', () => formatAttributeValue(3.5), '3.5'],
    ['boolean', () => formatAttributeValue(false), 'false'],
    ['null', () => formatAttributeValue(null), 'null'],
    ['array compact', () => formatAttributeValue([1, 'a']), '[1,"a"]'],
    ['object pretty', () => formatAttributeValue({ a: 1 }, true), '{\n  "a": 1\n}'],
    ['pretty json string', () => formatPrettyJson('{"a":[1]}'), '{\n  "a": [\n    1\n  ]\n}'],
    ['pretty of plain text', () => formatPrettyJson('nope'), undefined],
    ['short text is not cut', () => truncateText('abc', 5), { text: 'abc', omittedChars: 0 }],
    ['long text is cut', () => truncateText('abcdef', 4), { text: 'abcd', omittedChars: 2 }],
  ];
  it.each(cases)('%s', (_name, run, expected) => {
    expect(run()).toEqual(expected);
  });
});
