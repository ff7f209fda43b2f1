import { describe, expect, it } from 'vitest';
import { buildDeepLink, parseDeepLink, type Route } from '../../../src/renderer/lib/deep-link';

const route = (sourceId: string | null, sessionId: string | null = null, spanKey: string | null = null): Route => ({ sourceId, sessionId, spanKey });

describe('parseDeepLink', () => {
  const cases: [string, string, Route][] = [
    ['empty hash', '', route(null)],
    ['bare hash', '#', route(null)],
    ['unknown path', '#/settings', route(null)],
    ['source only', '#/source/src1', route('src1')],
    ['source and session', '#/source/src1/session/abc', route('src1', 'abc')],
    ['full link', '#/source/src1/session/abc/span/k%3A42', route('src1', 'abc', 'k:42')],
    ['encoded slashes and spaces', '#/source/a%2Fb/session/my%20session', route('a/b', 'my session')],
    ['span without session is ignored', '#/source/s/span/k', route('s')],
    ['broken encoding ends the route', '#/source/s/session/%E0%A4%A', route('s')],
    ['without leading slash', '#source/s/session/x', route('s', 'x')],
  ];
  it.each(cases)('%s', (_name, hash, expected) => {
    expect(parseDeepLink(hash)).toEqual(expected);
  });
});

describe('buildDeepLink', () => {
  const cases: [string, Route, string][] = [
    ['empty route', route(null), ''],
    ['source', route('s1'), '#/source/s1'],
    ['session', route('s1', 'sess/1'), '#/source/s1/session/sess%2F1'],
    ['span', route('s1', 'x', '7:ab#c'), '#/source/s1/session/x/span/7%3Aab%23c'],
    ['span without session is dropped', route('s1', null, 'k'), '#/source/s1'],
  ];
  it.each(cases)('%s', (_name, r, expected) => {
    expect(buildDeepLink(r)).toBe(expected);
  });

  it('round-trips awkward ids', () => {
    const r = route('src/ä ü', 'sess?#%', 'span key/1');
    expect(parseDeepLink(buildDeepLink(r))).toEqual(r);
  });
});
