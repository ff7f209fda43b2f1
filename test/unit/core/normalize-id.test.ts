import { describe, expect, it } from 'vitest';
import { normalizeId, normalizeParentId } from '../../../src/core/ingest/normalize-id';

describe('normalizeId', () => {
  const cases: [string, unknown, string][] = [
    ['0x-prefixed hex', '0x5B8EFFF798038103D269B633813FC60C', '5b8efff798038103d269b633813fc60c'],
    ['upper-case hex span id', 'EEE19B7EC3C1B174', 'eee19b7ec3c1b174'],
    ['16 hex chars are hex, not base64', 'abcdefabcdefabcd', 'abcdefabcdefabcd'],
    ['base64 trace id (16 bytes)', 'W47/95gDgQPSabYzgT/GDA==', '5b8efff798038103d269b633813fc60c'],
    ['base64 span id (8 bytes)', '7uGbfsPBsXQ=', 'eee19b7ec3c1b174'],
    ['opaque id kept', 'trc_s42', 'trc_s42'],
    ['uuid kept', '6f9619ff-8b86-d011-b42d-00cf4fc964ff', '6f9619ff-8b86-d011-b42d-00cf4fc964ff'],
    ['missing', undefined, ''],
  ];
  for (const [name, raw, expected] of cases) it(name, () => expect(normalizeId(raw)).toBe(expected));
});

describe('normalizeParentId', () => {
  const cases: [string, unknown, string | null][] = [
    ['empty string is a root', '', null],
    ['null is a root', null, null],
    ['all zeros is a root', '0000000000000000', null],
    ['0x-prefixed parent', '0x00f067aa0ba902b7', '00f067aa0ba902b7'],
  ];
  for (const [name, raw, expected] of cases) it(name, () => expect(normalizeParentId(raw)).toBe(expected));
});
