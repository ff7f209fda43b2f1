import { describe, expect, it } from 'vitest';
import { parseCliArgs } from '../../../src/cli/parse-cli-args';

describe('parseCliArgs', () => {
  it.each([
    { name: 'no arguments opens the app', argv: [], expected: { command: 'open', paths: [], port: 0 } },
    { name: 'bare paths open them', argv: ['a.jsonl', 'dir/'], expected: { command: 'open', paths: ['a.jsonl', 'dir/'], port: 0 } },
    { name: 'serve with paths and a port', argv: ['serve', 'a.jsonl', '--port', '8080'], expected: { command: 'serve', paths: ['a.jsonl'], port: 8080 } },
    { name: 'serve with --port=N before paths', argv: ['serve', '--port=0', 'a.jsonl'], expected: { command: 'serve', paths: ['a.jsonl'], port: 0 } },
    { name: 'serve with no paths', argv: ['serve'], expected: { command: 'serve', paths: [], port: 0 } },
    { name: 'summary as a table', argv: ['summary', 'a.jsonl', 'b.jsonl'], expected: { command: 'summary', paths: ['a.jsonl', 'b.jsonl'], isJson: false } },
    { name: 'summary as JSON', argv: ['summary', '--json', 'a.jsonl'], expected: { command: 'summary', paths: ['a.jsonl'], isJson: true } },
    { name: 'paths after -- may start with a dash', argv: ['summary', '--', '-odd.jsonl'], expected: { command: 'summary', paths: ['-odd.jsonl'], isJson: false } },
    { name: './serve is a path, not the command', argv: ['./serve'], expected: { command: 'open', paths: ['./serve'], port: 0 } },
    { name: '--help wins', argv: ['summary', 'x', '--help'], expected: { command: 'help' } },
    { name: '-h', argv: ['-h'], expected: { command: 'help' } },
    { name: '--version', argv: ['--version'], expected: { command: 'version' } },
  ])('accepts: $name', ({ argv, expected }) => {
    expect(parseCliArgs(argv)).toEqual({ ok: true, value: expected });
  });

  it.each([
    { name: 'summary without paths', argv: ['summary'], error: /needs at least one path/ },
    { name: 'summary with --port', argv: ['summary', 'a', '--port', '1'], error: /--port is for/ },
    { name: '--json outside summary', argv: ['serve', '--json'], error: /--json is for/ },
    { name: 'a port that is not a number', argv: ['serve', '--port', 'http'], error: /--port must be/ },
    { name: 'a port out of range', argv: ['serve', '--port', '70000'], error: /--port must be/ },
    { name: 'a negative port', argv: ['serve', '--port=-1'], error: /--port must be/ },
    { name: 'an unknown option', argv: ['--verbose'], error: /--verbose/ },
    { name: 'a missing port value', argv: ['serve', '--port'], error: /--port/ },
  ])('refuses: $name', ({ argv, error }) => {
    const parsed = parseCliArgs(argv);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(error);
  });
});
