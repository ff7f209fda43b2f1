import { describe, expect, it } from 'vitest';
import { buildGridTemplate } from '../../../src/renderer/lib/grid-template';

describe('buildGridTemplate', () => {
  const cases: [string, { minPx: number; grow: number }[], { template: string; minWidthPx: number }][] = [
    ['fixed columns', [{ minPx: 80, grow: 0 }, { minPx: 60, grow: 0 }], { template: '80px 60px', minWidthPx: 140 }],
    ['growing columns keep an explicit minimum', [{ minPx: 180, grow: 2 }, { minPx: 64, grow: 0 }, { minPx: 140, grow: 1.5 }], { template: 'minmax(180px, 2fr) 64px minmax(140px, 1.5fr)', minWidthPx: 384 }],
    ['no columns', [], { template: '', minWidthPx: 0 }],
  ];
  it.each(cases)('%s', (_name, columns, expected) => {
    expect(buildGridTemplate(columns)).toEqual(expected);
  });
});
