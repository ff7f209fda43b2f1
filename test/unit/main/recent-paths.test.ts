import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { addRecentPath, readRecentPaths, writeRecentPaths } from '../../../src/main/recent-paths';
import { makeTempDir } from '../../helpers/temp-dir';

describe('recent paths', () => {
  const temp = makeTempDir('tracelight-recent-');
  afterAll(() => temp.remove());

  it.each([
    { name: 'adds to the front', list: ['/b'], path: '/a', expected: ['/a', '/b'] },
    { name: 'moves a known path to the front', list: ['/a', '/b', '/c'], path: '/c', expected: ['/c', '/a', '/b'] },
    { name: 'keeps ten', list: Array.from({ length: 10 }, (_, i) => `/${i}`), path: '/new', expected: ['/new', ...Array.from({ length: 9 }, (_, i) => `/${i}`)] },
  ])('$name', ({ list, path, expected }) => {
    expect(addRecentPath(list, path)).toEqual(expected);
  });

  it('round-trips through its file, and reads a missing or damaged file as empty', async () => {
    const file = join(temp.path, 'recent-paths.json');
    expect(readRecentPaths(file)).toEqual([]);
    await writeRecentPaths(file, ['/x/a.jsonl', '/y']);
    expect(readRecentPaths(file)).toEqual(['/x/a.jsonl', '/y']);
    writeFileSync(file, '{ not json');
    expect(readRecentPaths(file)).toEqual([]);
    writeFileSync(file, JSON.stringify({ paths: ['/ok', 42, null] }));
    expect(readRecentPaths(file)).toEqual(['/ok']);
  });
});
