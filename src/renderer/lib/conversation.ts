/**
 * The messages of an LLM span, read from whichever convention wrote them, as one shape the
 * conversation view can show: OTel GenAI (`gen_ai.input.messages` with typed parts), the
 * OpenInference flattened lists (`llm.input_messages.N.message.*`), Traceloop's legacy
 * `gen_ai.prompt.N.*` / `gen_ai.completion.N.*`, the Vercel AI SDK (`ai.prompt.messages`,
 * `ai.response.text`), and OpenAI-style typed agent messages (`role` + `content`).
 * JSON held in strings is parsed with JSON.parse only; anything unrecognised is kept raw.
 * Images are kept only as `data:image/...;base64` URLs: nothing here leads to a request.
 */
import type { AttributeValue, Attributes } from '../../shared/model/attribute-value';

export type ConversationPart =
  | { kind: 'text'; text: string }
  | { kind: 'reasoning'; text: string }
  | { kind: 'tool-call'; id: string | null; name: string; arguments: string }
  | { kind: 'tool-result'; id: string | null; result: string }
  | { kind: 'image'; dataUrl: string }
  | { kind: 'image-ref'; url: string }
  | { kind: 'other'; raw: string };

export interface ConversationMessage {
  direction: 'input' | 'output';
  role: string;
  name: string | null;
  parts: ConversationPart[];
  finishReason: string | null;
}

export interface Conversation {
  messages: ConversationMessage[];
  /** The attribute keys the messages were read from, for provenance. */
  fromKeys: string[];
}

const DATA_IMAGE_URL = /^data:image\/(png|jpe?g|gif|webp|avif|bmp);base64,[A-Za-z0-9+/=\s]+$/i;

/** A raster image data URL that is safe to put in <img src>; null for anything else (including SVG). */
export function selectSafeImageDataUrl(url: string): string | null {
  return DATA_IMAGE_URL.test(url) ? url.replace(/\s+/g, '') : null;
}

type Json = AttributeValue;
type JsonObject = { [key: string]: Json };

const isObject = (v: Json | undefined): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const asString = (v: Json | undefined): string | null => (typeof v === 'string' ? v : null);
const stringify = (v: Json | undefined): string => (typeof v === 'string' ? v : v === undefined ? '' : JSON.stringify(v, null, 2));

/** A value that may be JSON inside a string, decoded once (also double-encoded JSON). */
function decodeJson(value: Json | undefined): Json | undefined {
  let current = value;
  for (let i = 0; i < 2 && typeof current === 'string'; i++) {
    const trimmed = current.trim();
    if (!trimmed.startsWith('{') && !trimmed.startsWith('[') && !trimmed.startsWith('"')) break;
    try {
      current = JSON.parse(trimmed) as Json;
    } catch {
      break;
    }
  }
  return current;
}

function imagePart(url: string): ConversationPart {
  const safe = selectSafeImageDataUrl(url);
  return safe ? { kind: 'image', dataUrl: safe } : { kind: 'image-ref', url: url.length > 200 ? `${url.slice(0, 200)}…` : url };
}

/** One part of a message in any of the known part shapes. */
function readPart(part: Json): ConversationPart {
  if (typeof part === 'string') return { kind: 'text', text: part };
  if (!isObject(part)) return { kind: 'other', raw: stringify(part) };
  const type = asString(part.type);
  switch (type) {
    case 'text':
    case 'input_text':
    case 'output_text':
      return { kind: 'text', text: asString(part.content) ?? asString(part.text) ?? stringify(part.content ?? part.text) };
    case 'reasoning':
    case 'thinking':
      return { kind: 'reasoning', text: asString(part.content) ?? asString(part.text) ?? asString(part.thinking) ?? stringify(part) };
    case 'tool_call':
    case 'tool-call':
    case 'tool_use':
    case 'function_call':
      return {
        kind: 'tool-call',
        id: asString(part.id) ?? asString(part.toolCallId) ?? asString(part.call_id),
        name: asString(part.name) ?? asString(part.toolName) ?? 'tool',
        arguments: stringify(part.arguments ?? part.args ?? part.input),
      };
    case 'tool_call_response':
    case 'tool-result':
    case 'tool_result':
    case 'function_call_output':
      return {
        kind: 'tool-result',
        id: asString(part.id) ?? asString(part.toolCallId) ?? asString(part.tool_use_id) ?? asString(part.call_id),
        result: stringify(part.response ?? part.result ?? part.content ?? part.output),
      };
    case 'image_url': {
      const imageUrl = part.image_url;
      const url = asString(imageUrl) ?? (isObject(imageUrl) ? asString(imageUrl.url) : null);
      return url ? imagePart(url) : { kind: 'other', raw: stringify(part) };
    }
    case 'image': {
      const url = asString(part.image) ?? asString(part.url) ?? (isObject(part.image) ? asString(part.image.url) : null);
      const mime = asString(part.mimeType) ?? asString(part.mime_type) ?? 'image/png';
      if (url && !url.includes(':') && /^[A-Za-z0-9+/=\s]+$/.test(url)) return imagePart(`data:${mime};base64,${url}`);
      return url ? imagePart(url) : { kind: 'other', raw: stringify(part) };
    }
    case 'blob': {
      const mime = asString(part.mime_type) ?? '';
      const content = asString(part.content);
      if (content && mime.startsWith('image/')) return imagePart(`data:${mime};base64,${content}`);
      return { kind: 'other', raw: `${mime || 'blob'} (${content ? content.length : 0} base64 characters)` };
    }
    case 'uri':
      return { kind: 'image-ref', url: asString(part.uri) ?? stringify(part) };
    default:
      if (typeof part.text === 'string' && type === null) return { kind: 'text', text: part.text };
      return { kind: 'other', raw: stringify(part) };
  }
}

/** `content` as a string, a list of parts, or anything else. */
function readContent(content: Json | undefined): ConversationPart[] {
  if (content === undefined || content === null) return [];
  if (typeof content === 'string') return content === '' ? [] : [{ kind: 'text', text: content }];
  if (Array.isArray(content)) return content.map(readPart);
  return [readPart(content)];
}

/** OpenAI-style `tool_calls: [{id, function: {name, arguments}}]` (or flat {id, name, arguments}). */
function readToolCalls(calls: Json | undefined): ConversationPart[] {
  const list = decodeJson(calls);
  if (!Array.isArray(list)) return [];
  return list.map((call): ConversationPart => {
    if (!isObject(call)) return { kind: 'other', raw: stringify(call) };
    const fn = isObject(call.function) ? call.function : call;
    return { kind: 'tool-call', id: asString(call.id), name: asString(fn.name) ?? 'tool', arguments: stringify(fn.arguments ?? fn.args) };
  });
}

/** A message object in the GenAI (`parts`) or OpenAI/Vercel (`content`, `tool_calls`) shape. */
function readMessage(message: Json, direction: 'input' | 'output'): ConversationMessage {
  if (!isObject(message)) return { direction, role: direction === 'input' ? 'user' : 'assistant', name: null, parts: readContent(message), finishReason: null };
  const parts = Array.isArray(message.parts) ? message.parts.map(readPart) : readContent(message.content);
  parts.push(...readToolCalls(message.tool_calls));
  const role = asString(message.role) ?? (direction === 'input' ? 'user' : 'assistant');
  const toolCallId = asString(message.tool_call_id);
  if (role === 'tool' && toolCallId && parts.length > 0 && parts.every((p) => p.kind === 'text')) {
    return { direction, role, name: asString(message.name), parts: [{ kind: 'tool-result', id: toolCallId, result: parts.map((p) => (p as { text: string }).text).join('\n') }], finishReason: null };
  }
  return { direction, role, name: asString(message.name), parts, finishReason: asString(message.finish_reason) ?? asString(message.finishReason) };
}

function readMessageList(value: Json | undefined, direction: 'input' | 'output'): ConversationMessage[] {
  const decoded = decodeJson(value);
  if (Array.isArray(decoded)) return decoded.map((m) => readMessage(m, direction));
  if (isObject(decoded)) return [readMessage(decoded, direction)];
  if (typeof decoded === 'string' && decoded !== '') return [readMessage(decoded, direction)];
  return [];
}

/** Groups flattened keys `prefix.N.rest` into one record of `rest -> value` per index N, in index order. */
function groupIndexed(attributes: Attributes, prefix: string): { index: number; fields: Map<string, Json> }[] {
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
  return [...groups.entries()].sort((a, b) => a[0] - b[0]).map(([index, fields]) => ({ index, fields }));
}

/** Sub-records `name.K.rest` of one flattened record. */
function subGroups(fields: Map<string, Json>, name: string): Map<string, Json>[] {
  const record: Attributes = {};
  for (const [k, v] of fields) record[k] = v;
  return groupIndexed(record, name).map((g) => g.fields);
}

/** OpenInference `llm.{input,output}_messages.N.message.*`. */
function readOpenInference(attributes: Attributes, prefix: string, direction: 'input' | 'output'): ConversationMessage[] {
  return groupIndexed(attributes, prefix).map(({ fields }) => {
    const get = (k: string) => fields.get(`message.${k}`);
    const parts: ConversationPart[] = [];
    const content = get('content');
    if (content !== undefined) parts.push(...readContent(content));
    const inner = new Map<string, Json>();
    for (const [k, v] of fields) if (k.startsWith('message.')) inner.set(k.slice('message.'.length), v);
    for (const c of subGroups(inner, 'contents')) {
      const type = asString(c.get('message_content.type'));
      const text = asString(c.get('message_content.text'));
      const url = asString(c.get('message_content.image.image.url'));
      if (url) parts.push(imagePart(url));
      else if (text !== null) parts.push(type === 'reasoning' ? { kind: 'reasoning', text } : { kind: 'text', text });
    }
    for (const t of subGroups(inner, 'tool_calls')) {
      parts.push({
        kind: 'tool-call',
        id: asString(t.get('tool_call.id')),
        name: asString(t.get('tool_call.function.name')) ?? 'tool',
        arguments: stringify(t.get('tool_call.function.arguments')),
      });
    }
    const role = asString(get('role')) ?? (direction === 'input' ? 'user' : 'assistant');
    const toolCallId = asString(get('tool_call_id'));
    if (role === 'tool' && toolCallId && parts.every((p) => p.kind === 'text')) {
      return { direction, role, name: asString(get('name')), parts: [{ kind: 'tool-result', id: toolCallId, result: parts.map((p) => (p as { text: string }).text).join('\n') }], finishReason: null };
    }
    return { direction, role, name: asString(get('name')), parts, finishReason: null };
  });
}

/** Traceloop legacy `gen_ai.prompt.N.*` / `gen_ai.completion.N.*`. */
function readTraceloop(attributes: Attributes, prefix: string, direction: 'input' | 'output'): ConversationMessage[] {
  return groupIndexed(attributes, prefix).map(({ fields }) => {
    const parts = readContent(decodeJson(fields.get('content')));
    for (const t of subGroups(fields, 'tool_calls')) {
      parts.push({ kind: 'tool-call', id: asString(t.get('id')), name: asString(t.get('name')) ?? 'tool', arguments: stringify(t.get('arguments')) });
    }
    return {
      direction,
      role: asString(fields.get('role')) ?? (direction === 'input' ? 'user' : 'assistant'),
      name: null,
      parts,
      finishReason: asString(fields.get('finish_reason')),
    };
  });
}

function hasPrefix(attributes: Attributes, prefix: string): boolean {
  return Object.keys(attributes).some((k) => k.startsWith(`${prefix}.`));
}

/** The conversation in a span's attributes; empty when it carries none. */
export function extractConversation(attributes: Attributes): Conversation {
  const messages: ConversationMessage[] = [];
  const fromKeys: string[] = [];
  const take = (key: string, list: ConversationMessage[]) => {
    if (list.length === 0) return false;
    messages.push(...list);
    fromKeys.push(key);
    return true;
  };

  // Input side: the first convention present wins.
  const system = attributes['gen_ai.system_instructions'];
  if (system !== undefined) {
    const decoded = decodeJson(system);
    const parts = Array.isArray(decoded) ? decoded.map(readPart) : readContent(decoded);
    take('gen_ai.system_instructions', parts.length > 0 ? [{ direction: 'input', role: 'system', name: null, parts, finishReason: null }] : []);
  }
  const hasInput =
    take('gen_ai.input.messages', readMessageList(attributes['gen_ai.input.messages'], 'input')) ||
    (hasPrefix(attributes, 'llm.input_messages') && take('llm.input_messages', readOpenInference(attributes, 'llm.input_messages', 'input'))) ||
    (hasPrefix(attributes, 'gen_ai.prompt') && take('gen_ai.prompt', readTraceloop(attributes, 'gen_ai.prompt', 'input'))) ||
    take('ai.prompt.messages', readMessageList(attributes['ai.prompt.messages'], 'input'));

  const hasOutput =
    take('gen_ai.output.messages', readMessageList(attributes['gen_ai.output.messages'], 'output')) ||
    (hasPrefix(attributes, 'llm.output_messages') && take('llm.output_messages', readOpenInference(attributes, 'llm.output_messages', 'output'))) ||
    (hasPrefix(attributes, 'gen_ai.completion') && take('gen_ai.completion', readTraceloop(attributes, 'gen_ai.completion', 'output'))) ||
    (typeof attributes['ai.response.text'] === 'string' &&
      take('ai.response.text', [{ direction: 'output', role: 'assistant', name: null, parts: [{ kind: 'text', text: attributes['ai.response.text'] }], finishReason: null }]));

  // Typed agent messages: the span itself is one message.
  if (!hasInput && !hasOutput && typeof attributes.role === 'string' && (attributes.content !== undefined || attributes.tool_calls !== undefined)) {
    const role = attributes.role;
    const message = readMessage({ role, content: decodeJson(attributes.content) ?? null, tool_calls: attributes.tool_calls ?? null }, role === 'assistant' ? 'output' : 'input');
    take('role, content', [message]);
  }
  return { messages, fromKeys };
}
