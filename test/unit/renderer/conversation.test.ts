import { describe, expect, it } from 'vitest';
import { extractConversation, selectSafeImageDataUrl, type ConversationMessage } from '../../../src/renderer/lib/conversation';

const PNG = 'data:image/png;base64,iVBORw0KGgo=';

const roles = (messages: ConversationMessage[]) => messages.map((m) => `${m.direction}:${m.role}`);

describe('extractConversation', () => {
  it('reads OTel GenAI messages with typed parts from JSON strings', () => {
    const c = extractConversation({
      'gen_ai.system_instructions': JSON.stringify([{ type: 'text', content: 'Be brief.' }]),
      'gen_ai.input.messages': JSON.stringify([
        { role: 'user', parts: [{ type: 'text', content: 'Where is ORD-1?' }] },
        { role: 'assistant', parts: [{ type: 'tool_call', id: 'c1', name: 'lookup', arguments: { order: 'ORD-1' } }] },
        { role: 'tool', parts: [{ type: 'tool_call_response', id: 'c1', response: { status: 'shipped' } }] },
      ]),
      'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: 'Shipped.' }], finish_reason: 'stop' }]),
    });
    expect(roles(c.messages)).toEqual(['input:system', 'input:user', 'input:assistant', 'input:tool', 'output:assistant']);
    expect(c.messages[2].parts[0]).toEqual({ kind: 'tool-call', id: 'c1', name: 'lookup', arguments: '{\n  "order": "ORD-1"\n}' });
    expect(c.messages[3].parts[0]).toEqual({ kind: 'tool-result', id: 'c1', result: '{\n  "status": "shipped"\n}' });
    expect(c.messages[4].finishReason).toBe('stop');
    expect(c.fromKeys).toEqual(['gen_ai.system_instructions', 'gen_ai.input.messages', 'gen_ai.output.messages']);
  });

  it('reads OpenInference flattened messages in index order, with tool calls and images', () => {
    const c = extractConversation({
      'llm.input_messages.1.message.role': 'user',
      'llm.input_messages.1.message.contents.0.message_content.type': 'text',
      'llm.input_messages.1.message.contents.0.message_content.text': 'What is this?',
      'llm.input_messages.1.message.contents.1.message_content.type': 'image',
      'llm.input_messages.1.message.contents.1.message_content.image.image.url': PNG,
      'llm.input_messages.0.message.role': 'system',
      'llm.input_messages.0.message.content': 'You help.',
      'llm.output_messages.0.message.role': 'assistant',
      'llm.output_messages.0.message.tool_calls.0.tool_call.id': 't1',
      'llm.output_messages.0.message.tool_calls.0.tool_call.function.name': 'search',
      'llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments': '{"q":"x"}',
    });
    expect(roles(c.messages)).toEqual(['input:system', 'input:user', 'output:assistant']);
    expect(c.messages[1].parts).toEqual([
      { kind: 'text', text: 'What is this?' },
      { kind: 'image', dataUrl: PNG },
    ]);
    expect(c.messages[2].parts).toEqual([{ kind: 'tool-call', id: 't1', name: 'search', arguments: '{"q":"x"}' }]);
  });

  it('reads Traceloop legacy prompt and completion lists', () => {
    const c = extractConversation({
      'gen_ai.prompt.0.role': 'user',
      'gen_ai.prompt.0.content': 'hi',
      'gen_ai.completion.0.role': 'assistant',
      'gen_ai.completion.0.content': 'hello',
      'gen_ai.completion.0.finish_reason': 'stop',
    });
    expect(c.messages.map((m) => m.parts)).toEqual([[{ kind: 'text', text: 'hi' }], [{ kind: 'text', text: 'hello' }]]);
    expect(c.fromKeys).toEqual(['gen_ai.prompt', 'gen_ai.completion']);
  });

  it('reads the Vercel AI SDK prompt and response text', () => {
    const c = extractConversation({
      'ai.prompt.messages': JSON.stringify([{ role: 'user', content: [{ type: 'text', text: 'sum 2+2' }] }]),
      'ai.response.text': '4',
    });
    expect(roles(c.messages)).toEqual(['input:user', 'output:assistant']);
    expect(c.messages[1].parts).toEqual([{ kind: 'text', text: '4' }]);
  });

  it('reads a typed agent message with OpenAI-style parts and tool calls', () => {
    const c = extractConversation({
      role: 'assistant',
      content: [{ type: 'image_url', image_url: { url: 'caribou-image://i/9' } }],
      tool_calls: [{ id: 'x', type: 'function', function: { name: 'grade', arguments: '{}' } }],
    });
    expect(c.messages).toHaveLength(1);
    expect(c.messages[0].parts).toEqual([
      { kind: 'image-ref', url: 'caribou-image://i/9' },
      { kind: 'tool-call', id: 'x', name: 'grade', arguments: '{}' },
    ]);
  });

  it('finds nothing in a span without messages', () => {
    expect(extractConversation({ 'gen_ai.request.model': 'gpt-4o', role: 5 })).toEqual({ messages: [], fromKeys: [] });
  });

  it('keeps text that only looks like JSON as text', () => {
    const c = extractConversation({ 'gen_ai.input.messages': '[not json' });
    expect(c.messages[0].parts).toEqual([{ kind: 'text', text: '[not json' }]);
  });
});

describe('selectSafeImageDataUrl', () => {
  const cases: [string, string, string | null][] = [
    ['png data url', PNG, PNG],
    ['jpeg data url', 'data:image/jpeg;base64,/9j/4AAQ', 'data:image/jpeg;base64,/9j/4AAQ'],
    ['svg is refused', 'data:image/svg+xml;base64,PHN2Zz4=', null],
    ['remote url is refused', 'https://example.com/a.png', null],
    ['non-base64 data url is refused', 'data:image/png,<svg>', null],
    ['javascript is refused', 'javascript:alert(1)', null],
  ];
  it.each(cases)('%s', (_name, url, expected) => {
    expect(selectSafeImageDataUrl(url)).toBe(expected);
  });
});
