/**
 * The messages of one span in one shape (role, text, images, tool calls, tool results),
 * whichever convention carried them (FORMATS.md §4, §9):
 *
 * - OTel GenAI now: `gen_ai.system_instructions`, `gen_ai.input.messages`,
 *   `gen_ai.output.messages` (JSON text or structured, typed `parts`);
 * - OTel GenAI 2024: span events `gen_ai.content.prompt` / `gen_ai.content.completion` with a
 *   `gen_ai.prompt` / `gen_ai.completion` JSON string, and the later per-message events
 *   `gen_ai.{system,user,assistant,tool}.message` / `gen_ai.choice` some SDKs attach to spans;
 * - OpenInference flattened `llm.{input,output}_messages.N.message.*`;
 * - Traceloop legacy `gen_ai.prompt.N.*` / `gen_ai.completion.N.*`;
 * - Vercel AI SDK `ai.prompt.messages`, `ai.prompt`, `ai.response.text`, `ai.response.toolCalls`;
 * - MLflow `mlflow.spanInputs.messages` / `mlflow.spanOutputs.choices[].message` (OpenAI shape);
 * - typed agent spans: a Message is one message, a ToolExecution a call and its result.
 *
 * For each side (input, output) the first convention present wins, since producers often
 * write the same messages twice (Phoenix copies gen_ai into OpenInference keys). Pure: JSON is
 * parsed with JSON.parse only, nothing is fetched, base64 stays a `data:` URL.
 */
import type { Attributes, AttributeValue } from '../../shared/model/attribute-value';
import type { Conversation, ConversationMessage, ConversationPart } from '../../shared/contract/wire-types';
import { classifyTypedRecord } from './classify-typed-record';
import { asString, decodeJsonText, isObject, makeImagePart, readContent, readMessagePart, readToolCalls, toText } from './read-message-part';

type Json = AttributeValue;
type Direction = 'input' | 'output';

/** A span event as the adapters produce it (time is not needed here). */
export interface ConversationEvent {
  name: string;
  attributes: Attributes;
}

function makeMessage(role: string, parts: ConversationPart[], direction?: Direction, name?: string | null, finishReason?: string | null): ConversationMessage {
  const message: ConversationMessage = { role, parts };
  if (name) message.name = name;
  if (direction) message.direction = direction;
  if (finishReason) message.finishReason = finishReason;
  return message;
}

/** A tool message whose content is text becomes one tool_result part linked by its call id. */
function asToolResult(role: string, toolCallId: string | null, parts: ConversationPart[]): ConversationPart[] {
  if (role !== 'tool' || toolCallId === null || parts.length === 0 || !parts.every((p) => p.type === 'text')) return parts;
  return [{ type: 'tool_result', id: toolCallId, content: parts.map((p) => (p as { text: string }).text).join('\n') }];
}

/** A message object: GenAI (`parts`), OpenAI/Vercel/MLflow (`content`, `tool_calls`), or bare content. */
function readMessage(message: Json, direction: Direction): ConversationMessage {
  const fallbackRole = direction === 'input' ? 'user' : 'assistant';
  if (!isObject(message)) return makeMessage(fallbackRole, readContent(message), direction);
  const parts = Array.isArray(message.parts) ? message.parts.map(readMessagePart) : readContent(decodeJsonText(message.content) ?? message.content);
  parts.push(...readToolCalls(message.tool_calls));
  const role = asString(message.role) ?? fallbackRole;
  const toolCallId = asString(message.tool_call_id) ?? asString(message.toolCallId);
  return makeMessage(role, asToolResult(role, toolCallId, parts), direction, asString(message.name), asString(message.finish_reason) ?? asString(message.finishReason));
}

function readMessageList(value: Json | undefined, direction: Direction): ConversationMessage[] {
  const decoded = decodeJsonText(value);
  if (Array.isArray(decoded)) return decoded.map((message) => readMessage(message, direction));
  if (isObject(decoded)) return [readMessage(decoded, direction)];
  if (typeof decoded === 'string' && decoded !== '') return [makeMessage(direction === 'input' ? 'user' : 'assistant', [{ type: 'text', text: decoded }], direction)];
  return [];
}

/** Flattened `prefix.N.rest` keys grouped by N (index order), each as `rest -> value`. */
function groupIndexed(attributes: Attributes, prefix: string): Map<string, Json>[] {
  const groups = new Map<number, Map<string, Json>>();
  const head = `${prefix}.`;
  for (const [key, value] of Object.entries(attributes)) {
    if (!key.startsWith(head)) continue;
    const rest = key.slice(head.length);
    const dot = rest.indexOf('.');
    const index = Number(dot === -1 ? rest : rest.slice(0, dot));
    if (!Number.isInteger(index) || index < 0) continue;
    if (!groups.has(index)) groups.set(index, new Map());
    groups.get(index)!.set(dot === -1 ? '' : rest.slice(dot + 1), value);
  }
  return [...groups.entries()].sort((a, b) => a[0] - b[0]).map(([, fields]) => fields);
}

function subGroups(fields: Map<string, Json>, prefix: string): Map<string, Json>[] {
  return groupIndexed(Object.fromEntries(fields), prefix);
}

/** OpenInference `llm.{input,output}_messages.N.message.{role,content,name,tool_call_id,contents,tool_calls}`. */
function readOpenInference(attributes: Attributes, prefix: string, direction: Direction): ConversationMessage[] {
  return groupIndexed(attributes, prefix).map((group) => {
    const inner = new Map<string, Json>();
    for (const [key, value] of group) if (key.startsWith('message.')) inner.set(key.slice('message.'.length), value);
    const parts = readContent(inner.get('content'));
    for (const content of subGroups(inner, 'contents')) {
      const type = asString(content.get('message_content.type'));
      const text = asString(content.get('message_content.text'));
      const url = asString(content.get('message_content.image.image.url'));
      if (url !== null) parts.push(makeImagePart(url));
      else if (text !== null) parts.push(type === 'reasoning' ? { type: 'reasoning', text } : { type: 'text', text });
    }
    for (const call of subGroups(inner, 'tool_calls')) {
      parts.push({
        type: 'tool_call',
        id: asString(call.get('tool_call.id')),
        name: asString(call.get('tool_call.function.name')) ?? 'tool',
        arguments: toText(call.get('tool_call.function.arguments')),
      });
    }
    const role = asString(inner.get('role')) ?? (direction === 'input' ? 'user' : 'assistant');
    return makeMessage(role, asToolResult(role, asString(inner.get('tool_call_id')), parts), direction, asString(inner.get('name')));
  });
}

/** Traceloop legacy `gen_ai.{prompt,completion}.N.{role,content,finish_reason,tool_calls.K.*}`. */
function readTraceloop(attributes: Attributes, prefix: string, direction: Direction): ConversationMessage[] {
  return groupIndexed(attributes, prefix).map((fields) => {
    const parts = readContent(decodeJsonText(fields.get('content')) ?? fields.get('content'));
    for (const call of subGroups(fields, 'tool_calls')) {
      parts.push({ type: 'tool_call', id: asString(call.get('id')), name: asString(call.get('name')) ?? 'tool', arguments: toText(call.get('arguments')) });
    }
    const role = asString(fields.get('role')) ?? (direction === 'input' ? 'user' : 'assistant');
    return makeMessage(role, asToolResult(role, asString(fields.get('tool_call_id')), parts), direction, null, asString(fields.get('finish_reason')));
  });
}

/** 2024 GenAI span events: one JSON-ish string with the whole prompt or completion. */
function readContentEvent(events: readonly ConversationEvent[], eventName: string, key: string, direction: Direction): ConversationMessage[] {
  const event = events.find((e) => e.name === eventName);
  return event ? readMessageList(event.attributes[key], direction) : [];
}

const MESSAGE_EVENT = /^gen_ai\.(system|user|assistant|tool)\.message$/;

/** Per-message GenAI events (deprecated log events that some SDKs attach to spans). */
function readMessageEvents(events: readonly ConversationEvent[]): { input: ConversationMessage[]; output: ConversationMessage[] } {
  const input: ConversationMessage[] = [];
  const output: ConversationMessage[] = [];
  for (const event of events) {
    const match = MESSAGE_EVENT.exec(event.name);
    if (match) {
      const body = { ...event.attributes, role: event.attributes.role ?? match[1], tool_call_id: event.attributes.tool_call_id ?? event.attributes.id ?? null };
      input.push(readMessage(body, 'input'));
    } else if (event.name === 'gen_ai.choice') {
      const inner = decodeJsonText(event.attributes.message);
      const body = isObject(inner) ? { ...inner, finish_reason: event.attributes.finish_reason ?? null } : event.attributes;
      output.push(readMessage(body, 'output'));
    }
  }
  return { input, output };
}

/** Vercel `ai.prompt`: `{system?, prompt?, messages?}` as JSON text. */
function readVercelPrompt(value: Json | undefined): ConversationMessage[] {
  const prompt = decodeJsonText(value);
  if (!isObject(prompt)) return [];
  const messages: ConversationMessage[] = [];
  if (typeof prompt.system === 'string') messages.push(makeMessage('system', [{ type: 'text', text: prompt.system }], 'input'));
  if (prompt.messages !== undefined) messages.push(...readMessageList(prompt.messages, 'input'));
  else if (typeof prompt.prompt === 'string') messages.push(makeMessage('user', [{ type: 'text', text: prompt.prompt }], 'input'));
  return messages;
}

function readVercelResponse(attributes: Attributes): ConversationMessage[] {
  const parts: ConversationPart[] = [];
  const text = asString(attributes['ai.response.text']);
  if (text) parts.push({ type: 'text', text });
  parts.push(...readToolCalls(attributes['ai.response.toolCalls']));
  return parts.length > 0 ? [makeMessage('assistant', parts, 'output', null, asString(attributes['ai.response.finishReason']))] : [];
}

function readMlflowInputs(value: Json | undefined): ConversationMessage[] {
  const inputs = decodeJsonText(value);
  return isObject(inputs) && Array.isArray(inputs.messages) ? readMessageList(inputs.messages, 'input') : [];
}

function readMlflowOutputs(value: Json | undefined): ConversationMessage[] {
  const outputs = decodeJsonText(value);
  if (!isObject(outputs) || !Array.isArray(outputs.choices)) return [];
  return outputs.choices.filter(isObject).map((choice) => {
    const message = readMessage(isObject(choice.message) ? choice.message : {}, 'output');
    const finish = asString(choice.finish_reason);
    return finish ? { ...message, finishReason: finish } : message;
  });
}

/** Langfuse input/output: a message list, `{messages: [...]}`, one message, or plain text. */
function readLangfuseMessages(value: Json | undefined, direction: Direction): ConversationMessage[] {
  const decoded = decodeJsonText(value);
  if (isObject(decoded) && Array.isArray(decoded.messages)) return readMessageList(decoded.messages, direction);
  return readMessageList(decoded, direction);
}

function hasPrefix(attributes: Attributes, prefix: string): boolean {
  const head = `${prefix}.`;
  return Object.keys(attributes).some((key) => key.startsWith(head));
}

/** Which typed record a span is, or null for a span of another convention. */
function readTypedType(attributes: Attributes): ReturnType<typeof classifyTypedRecord> | null {
  if (typeof attributes.span_kind !== 'string' && typeof attributes.span_name !== 'string') return null;
  return classifyTypedRecord(attributes, true);
}

/** A typed Message: its content, then its tool calls. */
function readTypedMessage(attributes: Attributes): ConversationMessage {
  const role = asString(attributes.role) ?? 'user';
  const parts = readContent(attributes.content);
  parts.push(...readToolCalls(attributes.tool_calls));
  return makeMessage(role, asToolResult(role, asString(attributes.tool_call_id), parts), role === 'assistant' ? 'output' : 'input', asString(attributes.name));
}

/** A ToolExecution's call, and its result or error (null when it has neither yet). */
function readTypedTool(attributes: Attributes): { call: ConversationMessage; result: ConversationMessage | null; isError: boolean } {
  const id = asString(attributes.call_id);
  const name = asString(attributes.name) ?? 'tool';
  const call = makeMessage('assistant', [{ type: 'tool_call', id, name, arguments: toText(attributes.arguments ?? '') }], 'input');
  const error = asString(attributes.error);
  const result = attributes.result;
  if (error !== null && error !== '') return { call, result: makeMessage('tool', [{ type: 'tool_result', id, content: error }], 'output', name), isError: true };
  if (Array.isArray(result)) return { call, result: makeMessage('tool', readContent(result), 'output', name), isError: false };
  if (result !== undefined && result !== null) return { call, result: makeMessage('tool', [{ type: 'tool_result', id, content: toText(result) }], 'output', name), isError: false };
  return { call, result: null, isError: false };
}

/** A typed Message is one message; a ToolExecution is its call and its result (or error). */
function readTypedSpan(attributes: Attributes): ConversationMessage[] {
  const type = readTypedType(attributes);
  if (type === 'message') return [readTypedMessage(attributes)];
  if (type === 'tool') {
    const { call, result } = readTypedTool(attributes);
    return result ? [call, result] : [call];
  }
  return [];
}

/** One message a typed span adds to a whole-trace conversation. */
export interface TypedTurnMessage {
  message: ConversationMessage;
  /** A grader's own message (it has `grader_name`): evaluation, not the agent's dialogue. */
  isGrader: boolean;
  /** A tool result that is the tool's `error`. */
  isError: boolean;
}

/**
 * The messages one typed span adds to the conversation of its whole trace, read in start
 * order: a Message is itself (a grader's flagged, named after its grader); a ToolExecution is
 * its result or error, preceded by its call only when no earlier assistant message asked for
 * it. `requestedCallIds` carries the tool call ids asked for so far from span to span.
 */
export function readTypedTurn(attributes: Attributes, requestedCallIds: Set<string>): TypedTurnMessage[] {
  const type = readTypedType(attributes);
  if (type === 'message') {
    const message = readTypedMessage(attributes);
    const graderName = asString(attributes.grader_name) ?? (typeof attributes.grader_name === 'number' ? String(attributes.grader_name) : null);
    if (graderName !== null && !message.name) message.name = graderName;
    for (const part of message.parts) if (part.type === 'tool_call' && part.id !== null) requestedCallIds.add(part.id);
    return [{ message, isGrader: attributes.grader_name !== undefined && attributes.grader_name !== null, isError: false }];
  }
  if (type === 'tool') {
    const { call, result, isError } = readTypedTool(attributes);
    const id = asString(attributes.call_id);
    const turns: TypedTurnMessage[] = [];
    if (id === null || !requestedCallIds.has(id)) turns.push({ message: call, isGrader: false, isError: false });
    if (id !== null) requestedCallIds.add(id);
    if (result) turns.push({ message: result, isGrader: false, isError });
    return turns;
  }
  return [];
}

/** The conversation one span carries, or null when it carries none. */
export function extractConversation(attributes: Attributes, events: readonly ConversationEvent[] = []): Conversation | null {
  const messages: ConversationMessage[] = [];
  const fromKeys: string[] = [];
  const take = (key: string, list: ConversationMessage[]): boolean => {
    if (list.length === 0) return false;
    messages.push(...list);
    fromKeys.push(key);
    return true;
  };

  const system = attributes['gen_ai.system_instructions'];
  if (system !== undefined && system !== null) {
    const decoded = decodeJsonText(system);
    const parts = Array.isArray(decoded) ? decoded.map(readMessagePart) : readContent(decoded);
    if (parts.length > 0) take('gen_ai.system_instructions', [makeMessage('system', parts, 'input')]);
  }
  const messageEvents = readMessageEvents(events);

  const hasInput =
    take('gen_ai.input.messages', readMessageList(attributes['gen_ai.input.messages'], 'input')) ||
    (hasPrefix(attributes, 'llm.input_messages') && take('llm.input_messages', readOpenInference(attributes, 'llm.input_messages', 'input'))) ||
    (hasPrefix(attributes, 'gen_ai.prompt') && take('gen_ai.prompt', readTraceloop(attributes, 'gen_ai.prompt', 'input'))) ||
    take('event gen_ai.content.prompt', readContentEvent(events, 'gen_ai.content.prompt', 'gen_ai.prompt', 'input')) ||
    take('events gen_ai.*.message', messageEvents.input) ||
    take('ai.prompt.messages', readMessageList(attributes['ai.prompt.messages'], 'input')) ||
    take('ai.prompt', readVercelPrompt(attributes['ai.prompt'])) ||
    take('mlflow.spanInputs', readMlflowInputs(attributes['mlflow.spanInputs'])) ||
    take('langfuse.observation.input', readLangfuseMessages(attributes['langfuse.observation.input'], 'input'));

  const hasOutput =
    take('gen_ai.output.messages', readMessageList(attributes['gen_ai.output.messages'], 'output')) ||
    (hasPrefix(attributes, 'llm.output_messages') && take('llm.output_messages', readOpenInference(attributes, 'llm.output_messages', 'output'))) ||
    (hasPrefix(attributes, 'gen_ai.completion') && take('gen_ai.completion', readTraceloop(attributes, 'gen_ai.completion', 'output'))) ||
    take('event gen_ai.content.completion', readContentEvent(events, 'gen_ai.content.completion', 'gen_ai.completion', 'output')) ||
    take('events gen_ai.choice', messageEvents.output) ||
    take('ai.response', readVercelResponse(attributes)) ||
    take('mlflow.spanOutputs', readMlflowOutputs(attributes['mlflow.spanOutputs'])) ||
    take('langfuse.observation.output', readLangfuseMessages(attributes['langfuse.observation.output'], 'output'));

  if (!hasInput && !hasOutput) take('typed span fields', readTypedSpan(attributes));
  return messages.length > 0 ? { messages, fromKeys } : null;
}
