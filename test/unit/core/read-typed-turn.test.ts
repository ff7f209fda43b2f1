/**
 * The messages each typed span adds to its whole trace's conversation (FORMATS.md §9), read
 * span by span in start order: a tool's call only when no assistant message asked for it.
 */
import { describe, expect, it } from 'vitest';
import type { Attributes } from '../../../src/shared/model/attribute-value';
import { readTypedTurn } from '../../../src/core/semantics/extract-conversation';

/** Each span's messages as "role[flags]: part types", reading the spans in order. */
function readAll(spans: Attributes[]): string[][] {
  const requested = new Set<string>();
  return spans.map((span) =>
    readTypedTurn(span, requested).map(
      (t) => `${t.message.role}${t.isGrader ? '[grader]' : ''}${t.isError ? '[error]' : ''}: ${t.message.parts.map((p) => p.type).join(',')}`,
    ),
  );
}

const user = { span_name: 'message.user', role: 'user', content: 'Where is ORD-1?' };
const assistantAsks = {
  span_kind: 'message',
  role: 'assistant',
  content: 'Let me check.',
  tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"order":"ORD-1"}' } }],
};
const tool = (callId: string | null, extra: Attributes = { result: 'shipped' }): Attributes => ({ span_kind: 'tool', name: 'lookup', ...(callId ? { call_id: callId } : {}), arguments: { order: 'ORD-1' }, ...extra });

describe('readTypedTurn', () => {
  const cases: [string, Attributes[], string[][]][] = [
    ['a requested tool adds only its result', [user, assistantAsks, tool('call_1')], [['user: text'], ['assistant: text,tool_call'], ['tool: tool_result']]],
    ['a tool nobody asked for shows its call too', [user, tool('call_9')], [['user: text'], ['assistant: tool_call', 'tool: tool_result']]],
    ['a tool without a call id shows its call', [assistantAsks, tool(null)], [['assistant: text,tool_call'], ['assistant: tool_call', 'tool: tool_result']]],
    ['a tool read before the message that asked for it shows its call', [tool('call_1'), assistantAsks], [['assistant: tool_call', 'tool: tool_result'], ['assistant: text,tool_call']]],
    ['a failed tool: its error is the result, flagged', [assistantAsks, tool('call_1', { error: 'timed out', result: null })], [['assistant: text,tool_call'], ['tool[error]: tool_result']]],
    ['a tool still running has no result yet', [assistantAsks, tool('call_1', {})], [['assistant: text,tool_call'], []]],
    ['a grader message is flagged and named after its grader', [{ span_kind: 'grader.helpfulness', role: 'assistant', grader_name: 'helpfulness', content: 'Score: 0.8' }], [['assistant[grader]: text']]],
    ['a Grade, an event and a run add nothing', [{ span_kind: 'grader', score: 1 }, { span_kind: 'event', name: 'retry', details: {} }, { span_kind: 'trace_run', datapoint_id: 'd' }], [[], [], []]],
    ['a span of another convention adds nothing', [{ role: 'user', content: 'no typed envelope' }], [[]]],
  ];
  for (const [name, spans, expected] of cases) it(name, () => expect(readAll(spans)).toEqual(expected));

  it('keeps the message content and names a grader message after its grader', () => {
    const [turn] = readTypedTurn({ span_kind: 'grader.helpfulness', role: 'assistant', grader_name: 'helpfulness', content: 'Score: 0.8' }, new Set());
    expect(turn.message).toEqual({ role: 'assistant', name: 'helpfulness', direction: 'output', parts: [{ type: 'text', text: 'Score: 0.8' }] });
  });
});
