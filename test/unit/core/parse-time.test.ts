import { describe, expect, it } from 'vitest';
import { epochNumberToNs, epochToNs, hrTimeToNs, parseAnyTimeToNs, parseDurationTextToNs, parseIsoToNs, parseUnixNano } from '../../../src/core/ingest/parse-time';

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

describe('epochToNs (known unit)', () => {
  const cases: [string, unknown, 's' | 'ms' | 'us' | 'ns', bigint | null][] = [
    ['float seconds round to whole µs, not the double', 1778486537.2, 's', 1778486537200000000n],
    ['float milliseconds round to whole µs', 1714291200042.5, 'ms', 1714291200042500000n],
    ['integer milliseconds', 1714291200000, 'ms', 1714291200000000000n],
    ['integer microseconds (Jaeger, Zipkin)', 1778486537123456, 'us', 1778486537123456000n],
    ['decimal text is exact', '1778486537.123456789', 's', 1778486537123456789n],
    ['19-digit ns text is exact', '1778486537123456789', 'ns', 1778486537123456789n],
    ['zero is absent', 0, 'ms', null],
    ['negative is absent', -5, 's', null],
    ['not a number', 'soon', 's', null],
  ];
  for (const [name, value, unit, expected] of cases) it(name, () => expect(epochToNs(value, unit)).toBe(expected));

  it('guesses the unit of numeric text by magnitude, then reads it exactly', () => {
    expect(parseAnyTimeToNs('1778486537123456789')).toBe(1778486537123456789n);
    expect(parseAnyTimeToNs('1778486537.5')).toBe(1778486537500000000n);
    expect(epochNumberToNs(1778486537.2)).toBe(1778486537200000000n);
  });
});

describe('parseDurationTextToNs', () => {
  const cases: [string, unknown, bigint | null][] = [
    ['Jaeger api_v2 nanoseconds', '5000ns', 5000n],
    ['protobuf JSON seconds', '0.000005s', 5000n],
    ['milliseconds with a fraction', '1.5ms', 1500000n],
    ['Go compound duration', '1m2.5s', 62500000000n],
    ['microseconds', '12us', 12000n],
    ['zero', '0s', 0n],
    ['no unit', '5000', null],
    ['trailing junk', '5000ns!', null],
    ['not text', 5000, null],
  ];
  for (const [name, value, expected] of cases) it(name, () => expect(parseDurationTextToNs(value)).toBe(expected));
});

describe('hrTimeToNs', () => {
  const cases: [string, unknown, bigint | null][] = [
    ['seconds and nanoseconds', [1778486537, 123456789], 1778486537123456789n],
    ['never set', [0, 0], null],
    ['not a tuple', 1778486537, null],
    ['fractional parts are not HrTime', [1.5, 0], null],
  ];
  for (const [name, value, expected] of cases) it(name, () => expect(hrTimeToNs(value)).toBe(expected));
});
