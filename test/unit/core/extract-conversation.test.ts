import { describe, expect, it } from 'vitest';
import type { Attributes } from '../../../src/shared/model/attribute-value';
import type { Conversation } from '../../../src/shared/contract/wire-types';
import { extractConversation, type ConversationEvent } from '../../../src/core/semantics/extract-conversation';

const PNG = 'data:image/png;base64,iVBORw0KGgo=';

/** `direction:role` per message, and the keys read. */
function outline(conversation: Conversation | null): { roles: string[]; fromKeys: string[] } | null {
  if (!conversation) return null;
  return { roles: conversation.messages.map((m) => `${m.direction ?? '?'}:${m.role}`), fromKeys: conversation.fromKeys };
}

describe('extractConversation: which messages, from which convention', () => {
  const cases: [string, Attributes, ConversationEvent[], ReturnType<typeof outline>][] = [
    [
      'OTel GenAI JSON strings with system instructions',
      {
        'gen_ai.system_instructions': JSON.stringify([{ type: 'text', content: 'Be brief.' }]),
        'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'Hi' }] }]),
        'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: 'Hello' }], finish_reason: 'stop' }]),
      },
      [],
      { roles: ['input:system', 'input:user', 'output:assistant'], fromKeys: ['gen_ai.system_instructions', 'gen_ai.input.messages', 'gen_ai.output.messages'] },
    ],
    [
      'Langfuse observation input {messages} and output message',
      {
        'langfuse.observation.input': JSON.stringify({ messages: [{ role: 'system', content: 'Be kind.' }, { role: 'user', content: 'Refund?' }] }),
        'langfuse.observation.output': JSON.stringify({ role: 'assistant', content: 'Done.' }),
      },
      [],
      { roles: ['input:system', 'input:user', 'output:assistant'], fromKeys: ['langfuse.observation.input', 'langfuse.observation.output'] },
    ],
    [
      'OpenInference flattened lists, in index order (not key order)',
      {
        'llm.input_messages.1.message.role': 'user',
        'llm.input_messages.1.message.content': 'Q',
        'llm.input_messages.0.message.role': 'system',
        'llm.input_messages.0.message.content': 'S',
        'llm.output_messages.0.message.role': 'assistant',
        'llm.output_messages.0.message.content': 'A',
      },
      [],
      { roles: ['input:system', 'input:user', 'output:assistant'], fromKeys: ['llm.input_messages', 'llm.output_messages'] },
    ],
    [
      'gen_ai wins over the OpenInference copy Phoenix makes of it',
      {
        'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'Hi' }] }]),
        'llm.input_messages.0.message.role': 'user',
        'llm.input_messages.0.message.content': 'Hi',
      },
      [],
      { roles: ['input:user'], fromKeys: ['gen_ai.input.messages'] },
    ],
    [
      'Traceloop legacy indexed prompt and completion',
      {
        'gen_ai.prompt.0.role': 'user',
        'gen_ai.prompt.0.content': 'Where is ORD-1?',
        'gen_ai.completion.0.role': 'assistant',
        'gen_ai.completion.0.finish_reason': 'tool_calls',
        'gen_ai.completion.0.tool_calls.0.id': 'c1',
        'gen_ai.completion.0.tool_calls.0.name': 'lookup',
        'gen_ai.completion.0.tool_calls.0.arguments': '{"order":"ORD-1"}',
      },
      [],
      { roles: ['input:user', 'output:assistant'], fromKeys: ['gen_ai.prompt', 'gen_ai.completion'] },
    ],
    [
      '2024 span events gen_ai.content.prompt / completion',
      {},
      [
        { name: 'gen_ai.content.prompt', attributes: { 'gen_ai.prompt': JSON.stringify([{ role: 'user', content: 'Tell me a joke' }]) } },
        { name: 'gen_ai.content.completion', attributes: { 'gen_ai.completion': JSON.stringify([{ role: 'assistant', content: 'Why did…' }]) } },
      ],
      { roles: ['input:user', 'output:assistant'], fromKeys: ['event gen_ai.content.prompt', 'event gen_ai.content.completion'] },
    ],
    [
      'per-message GenAI events attached to a span',
      {},
      [
        { name: 'gen_ai.system.message', attributes: { content: 'Be brief.' } },
        { name: 'gen_ai.user.message', attributes: { content: 'Hi' } },
        { name: 'gen_ai.choice', attributes: { index: 0, finish_reason: 'stop', message: JSON.stringify({ content: 'Hello' }) } },
      ],
      { roles: ['input:system', 'input:user', 'output:assistant'], fromKeys: ['events gen_ai.*.message', 'events gen_ai.choice'] },
    ],
    [
      'Vercel doGenerate: prompt messages and response text',
      { 'ai.prompt.messages': JSON.stringify([{ role: 'system', content: 'S' }, { role: 'user', content: [{ type: 'text', text: 'Q' }] }]), 'ai.response.text': 'A' },
      [],
      { roles: ['input:system', 'input:user', 'output:assistant'], fromKeys: ['ai.prompt.messages', 'ai.response'] },
    ],
    [
      'Vercel generateText wrapper: ai.prompt',
      { 'ai.prompt': JSON.stringify({ system: 'S', prompt: 'Q' }) },
      [],
      { roles: ['input:system', 'input:user'], fromKeys: ['ai.prompt'] },
    ],
    [
      'MLflow OpenAI-shaped inputs and outputs (already decoded by the adapter)',
      { 'mlflow.spanInputs': { messages: [{ role: 'user', content: 'hi' }] }, 'mlflow.spanOutputs': { choices: [{ message: { role: 'assistant', content: 'hello' }, finish_reason: 'stop' }] } },
      [],
      { roles: ['input:user', 'output:assistant'], fromKeys: ['mlflow.spanInputs', 'mlflow.spanOutputs'] },
    ],
    ['typed user message', { span_name: 'message.user', role: 'user', content: 'Where is my order?' }, [], { roles: ['input:user'], fromKeys: ['typed span fields'] }],
    ['typed tool execution: call and result', { span_kind: 'tool', name: 'lookup', call_id: 'c1', arguments: { order: 'ORD-1' }, result: 'shipped' }, [], { roles: ['input:assistant', 'output:tool'], fromKeys: ['typed span fields'] }],
    ['typed Grade has no messages', { span_kind: 'grader', score: 0.5 }, [], null],
    ['bare role/content without a typed envelope is not a conversation', { role: 'user', content: 'x' }, [], null],
    ['nothing', { 'http.method': 'GET' }, [], null],
  ];
  for (const [name, attributes, events, expected] of cases) it(name, () => expect(outline(extractConversation(attributes, events))).toEqual(expected));
});

describe('extractConversation: parts', () => {
  it('reads GenAI typed parts: tool call, tool response, blob image, uri image, unknown', () => {
    const c = extractConversation({
      'gen_ai.input.messages': JSON.stringify([
        { role: 'assistant', parts: [{ type: 'tool_call', id: 'c1', name: 'lookup', arguments: { order: 'ORD-1' } }] },
        { role: 'tool', parts: [{ type: 'tool_call_response', id: 'c1', response: { status: 'shipped' } }] },
        { role: 'user', parts: [{ type: 'blob', modality: 'image', mime_type: 'image/jpeg', content: '/9j/4AAQ' }, { type: 'uri', modality: 'image', uri: 'https://x/y.png' }, { type: 'audio_thing', x: 1 }] },
      ]),
    });
    expect(c!.messages[0].parts).toEqual([{ type: 'tool_call', id: 'c1', name: 'lookup', arguments: '{"order":"ORD-1"}' }]);
    expect(c!.messages[1].parts).toEqual([{ type: 'tool_result', id: 'c1', content: '{"status":"shipped"}' }]);
    expect(c!.messages[2].parts).toEqual([
      { type: 'image', dataUrl: 'data:image/jpeg;base64,/9j/4AAQ', mimeType: 'image/jpeg' },
      { type: 'image', url: 'https://x/y.png' },
      { type: 'other', raw: '{"type":"audio_thing","x":1}' },
    ]);
  });

  it('reads OpenInference contents (text + base64 image) and tool calls', () => {
    const c = extractConversation({
      'llm.input_messages.0.message.role': 'user',
      'llm.input_messages.0.message.contents.0.message_content.type': 'text',
      'llm.input_messages.0.message.contents.0.message_content.text': 'What is this?',
      'llm.input_messages.0.message.contents.1.message_content.type': 'image',
      'llm.input_messages.0.message.contents.1.message_content.image.image.url': PNG,
      'llm.output_messages.0.message.role': 'assistant',
      'llm.output_messages.0.message.tool_calls.0.tool_call.id': 't1',
      'llm.output_messages.0.message.tool_calls.0.tool_call.function.name': 'search',
      'llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments': '{"q":"x"}',
    });
    expect(c!.messages[0].parts).toEqual([
      { type: 'text', text: 'What is this?' },
      { type: 'image', dataUrl: PNG, mimeType: 'image/png' },
    ]);
    expect(c!.messages[1].parts).toEqual([{ type: 'tool_call', id: 't1', name: 'search', arguments: '{"q":"x"}' }]);
  });

  it('turns an OpenAI tool message into a tool_result linked by tool_call_id', () => {
    const c = extractConversation({ 'gen_ai.input.messages': JSON.stringify([{ role: 'tool', tool_call_id: 'c1', content: 'shipped' }]) });
    expect(c!.messages[0]).toEqual({ role: 'tool', direction: 'input', parts: [{ type: 'tool_result', id: 'c1', content: 'shipped' }] });
  });

  it('keeps a Python-repr prompt event as text rather than failing', () => {
    const c = extractConversation({}, [{ name: 'gen_ai.content.prompt', attributes: { 'gen_ai.prompt': "[{'role': 'user', 'content': 'hi'}]" } }]);
    expect(c!.messages[0].parts).toEqual([{ type: 'text', text: "[{'role': 'user', 'content': 'hi'}]" }]);
  });

  it('reads a typed assistant message with tool calls, tokens left to semantics', () => {
    const c = extractConversation({
      span_kind: 'message',
      role: 'assistant',
      content: 'Let me check.',
      tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup_order', arguments: '{"order":"ORD-1"}' } }],
      input_tokens: 120,
    });
    expect(c!.messages).toEqual([
      {
        role: 'assistant',
        direction: 'output',
        parts: [
          { type: 'text', text: 'Let me check.' },
          { type: 'tool_call', id: 'call_1', name: 'lookup_order', arguments: '{"order":"ORD-1"}' },
        ],
      },
    ]);
  });

  it('keeps typed image parts: caribou-image:// as a URL, bare base64 only inside an image part', () => {
    const c = extractConversation({
      span_name: 'message.user',
      role: 'user',
      content: [
        { type: 'image_url', image_url: { url: 'caribou-image://i/9' } },
        { type: 'image_url', image_url: PNG },
        { type: 'text', text: 'iVBORw0KGgo=' },
      ],
    });
    expect(c!.messages[0].parts).toEqual([
      { type: 'image', url: 'caribou-image://i/9' },
      { type: 'image', dataUrl: PNG, mimeType: 'image/png' },
      { type: 'text', text: 'iVBORw0KGgo=' },
    ]);
  });

  it('shows a failed typed tool call with its error as the result', () => {
    const c = extractConversation({ span_kind: 'tool', name: 'lookup', call_id: 'c1', arguments: '{"order":"ORD-1"}', error: 'timed out' });
    expect(c!.messages.map((m) => m.parts)).toEqual([
      [{ type: 'tool_call', id: 'c1', name: 'lookup', arguments: '{"order":"ORD-1"}' }],
      [{ type: 'tool_result', id: 'c1', content: 'timed out' }],
    ]);
  });

  it('reads Anthropic and Vercel part shapes', () => {
    const c = extractConversation({
      'ai.prompt.messages': JSON.stringify([
        { role: 'user', content: [{ type: 'image', image: 'iVBORw0KGgo=', mimeType: 'image/png' }] },
        { role: 'assistant', content: [{ type: 'tool-call', toolCallId: 'v1', toolName: 'weather', args: { city: 'Oslo' } }] },
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'v1', toolName: 'weather', result: { temp: 3 } }] },
        { role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/gif', data: 'R0lGOD' } }] },
      ]),
    });
    expect(c!.messages.map((m) => m.parts[0])).toEqual([
      { type: 'image', dataUrl: PNG, mimeType: 'image/png' },
      { type: 'tool_call', id: 'v1', name: 'weather', arguments: '{"city":"Oslo"}' },
      { type: 'tool_result', id: 'v1', content: '{"temp":3}' },
      { type: 'image', dataUrl: 'data:image/gif;base64,R0lGOD', mimeType: 'image/gif' },
    ]);
  });
});
