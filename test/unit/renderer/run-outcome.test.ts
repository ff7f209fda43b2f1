import { describe, expect, it } from 'vitest';
import { describeRunStatus, formatTagList } from '../../../src/renderer/lib/run-outcome';

describe('describeRunStatus', () => {
  it('labels each outcome with its own name and tone', () => {
    expect(describeRunStatus('completed')).toMatchObject({ label: 'completed', tone: 'ok' });
    expect(describeRunStatus('truncated')).toMatchObject({ label: 'truncated', tone: 'warning' });
    expect(describeRunStatus('error')).toMatchObject({ label: 'error', tone: 'danger' });
  });

  it('explains a truncated run in its tooltip', () => {
    expect(describeRunStatus('truncated')?.title).toBe('the run finished but was cut short');
  });

  it('shows nothing for sessions without runs or unknown statuses', () => {
    expect(describeRunStatus(null)).toBeNull();
    expect(describeRunStatus(undefined)).toBeNull();
    expect(describeRunStatus('cancelled')).toBeNull();
    expect(describeRunStatus('toString')).toBeNull();
  });
});

describe('formatTagList', () => {
  const cases: [string, string[] | null, string][] = [
    ['no tags', [], ''],
    ['missing tags', null, ''],
    ['one tag', ['api_v2'], 'api_v2'],
    ['several tags in order', ['api_v2', 'premium_tier', 'beta'], 'api_v2, premium_tier, beta'],
    ['empty tags are skipped', ['a', '', 'b'], 'a, b'],
  ];
  it.each(cases)('%s', (_name, tags, expected) => {
    expect(formatTagList(tags)).toBe(expected);
  });
});
