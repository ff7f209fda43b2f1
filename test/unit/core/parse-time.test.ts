import { describe, expect, it } from 'vitest';
import { epochNumberToNs, parseAnyTimeToNs, parseIsoToNs, parseUnixNano } from '../../../src/core/ingest/parse-time';

describe('parseIsoToNs', () => {
  const cases: [string, string, bigint | null][] = [
    ['OTel Python microseconds, Z', '2026-11-20T14:03:07.123456Z', 1795183387123456000n],
    ['zone-less text is UTC', '2026-11-20 14:03:07.123456', 1795183387123456000n],
    ['positive offset', '2026-11-20T15:03:07.123456+01:00', 1795183387123456000n],
    ['nanoseconds kept', '2026-11-20T14:03:07.123456789Z', 1795183387123456789n],
    ['no fraction', '2026-11-20T14:03:07Z', 1795183387000000000n],
    ['not a time', 'yesterday', null],
  ];
  for (const [name, text, expected] of cases) it(name, () => expect(parseIsoToNs(text)).toBe(expected));
});

describe('epoch numbers', () => {
  const cases: [string, number, bigint | null][] = [
    ['seconds with fraction', 1778486537.25, 1778486537250000000n],
    ['milliseconds', 1778486537250, 1778486537250000000n],
    ['microseconds', 1778486537250000, 1778486537250000000n],
    ['zero is absent', 0, null],
  ];
  for (const [name, value, expected] of cases) it(name, () => expect(epochNumberToNs(value)).toBe(expected));

  it('reads OTLP decimal-string nanoseconds exactly', () => {
    expect(parseUnixNano('1778486537123456789')).toBe(1778486537123456789n);
    expect(parseUnixNano('0')).toBeNull();
    expect(parseAnyTimeToNs('1778486537123')).toBe(1778486537123000000n);
  });
});
