import { describe, expect, it } from 'vitest';
import { formatImageReference, MAX_IMAGE_REFERENCE_CHARS, selectSafeImageDataUrl } from '../../../src/renderer/lib/safe-image';

const PNG = 'data:image/png;base64,iVBORw0KGgo=';

describe('selectSafeImageDataUrl', () => {
  const cases: [string, string, string | null][] = [
    ['png data url', PNG, PNG],
    ['jpeg data url', 'data:image/jpeg;base64,/9j/4AAQ', 'data:image/jpeg;base64,/9j/4AAQ'],
    ['gif data url', 'data:image/gif;base64,R0lGODlh', 'data:image/gif;base64,R0lGODlh'],
    ['webp data url', 'data:image/webp;base64,UklGRg==', 'data:image/webp;base64,UklGRg=='],
    ['upper-case mime type', 'data:IMAGE/PNG;base64,iVBORw0KGgo=', 'data:IMAGE/PNG;base64,iVBORw0KGgo='],
    ['line-wrapped base64 is joined', 'data:image/png;base64,iVBO\nRw0K\r\nGgo=', PNG],
    ['svg is refused', 'data:image/svg+xml;base64,PHN2Zz4=', null],
    ['bmp is refused', 'data:image/bmp;base64,Qk0=', null],
    ['text/html is refused', 'data:text/html;base64,PGI+', null],
    ['non-base64 data url is refused', 'data:image/png,<svg>', null],
    ['base64 with markup after it is refused', 'data:image/png;base64,iVBO"><script>', null],
    ['remote url is refused', 'https://example.com/a.png', null],
    ['plain http is refused', 'http://example.com/a.png', null],
    ['caribou-image reference is refused', 'caribou-image://i/9', null],
    ['javascript is refused', 'javascript:alert(1)', null],
    ['leading space is refused', ` ${PNG}`, null],
    ['empty is refused', '', null],
  ];
  it.each(cases)('%s', (_name, url, expected) => {
    expect(selectSafeImageDataUrl(url)).toBe(expected);
  });
});

describe('formatImageReference', () => {
  it('keeps a short reference as it is', () => {
    expect(formatImageReference('caribou-image://i/9')).toBe('caribou-image://i/9');
  });

  it('cuts a long reference and marks the cut', () => {
    const long = `data:image/svg+xml;base64,${'A'.repeat(5000)}`;
    const shown = formatImageReference(long);
    expect(shown).toHaveLength(MAX_IMAGE_REFERENCE_CHARS + 1);
    expect(shown.endsWith('…')).toBe(true);
    expect(long.startsWith(shown.slice(0, -1))).toBe(true);
  });
});
