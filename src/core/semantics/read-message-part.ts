/**
 * One message part in any of the shapes the conventions write, as a wire `ConversationPart`:
 * OTel GenAI parts (`text`/`reasoning` {content}, `tool_call`, `tool_call_response`, `blob`,
 * `uri`), OpenAI content parts (`text`, `image_url`), Anthropic blocks (`tool_use`,
 * `tool_result`, `image` with a base64 `source`) and Vercel AI SDK parts (`tool-call`,
 * `tool-result`, `image`). Anything else is kept raw. Base64 images become `data:` URLs and are
 * never decoded here; other image references stay URLs, never fetched.
 */
import type { AttributeValue } from '../../shared/model/attribute-value';
import type { ConversationPart } from '../../shared/contract/wire-types';

type Json = AttributeValue;
type JsonObject = { [key: string]: Json };

export const isObject = (value: Json | undefined): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);
export const asString = (value: Json | undefined): string | null => (typeof value === 'string' ? value : null);

/** Text as is; anything structured as compact JSON (tool arguments and results are text on the wire). */
export function toText(value: Json | undefined): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return '';
  return JSON.stringify(value);
}

/** JSON held in a string (possibly twice, as MLflow writes it), decoded; other text stays text. */
export function decodeJsonText(value: Json | undefined): Json | undefined {
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

const DATA_URL_MIME = /^data:([^;,]+)[;,]/i;
const BARE_BASE64 = /^[A-Za-z0-9+/=\s]+$/;

/** An image reference: a `data:` URL keeps its bytes, anything else is a URL. */
export function makeImagePart(url: string, mimeType?: string | null): ConversationPart {
  if (url.startsWith('data:')) {
    const mime = DATA_URL_MIME.exec(url)?.[1] ?? mimeType ?? undefined;
    return mime ? { type: 'image', dataUrl: url, mimeType: mime } : { type: 'image', dataUrl: url };
  }
  return mimeType ? { type: 'image', url, mimeType } : { type: 'image', url };
}

/** Bare base64 is an image only inside an image part (FORMATS.md §9). */
function imageFromField(value: Json | undefined, mimeType: string | null): ConversationPart | null {
  const text = asString(value);
  if (text === null || text === '') return null;
  if (!text.includes(':') && BARE_BASE64.test(text)) return makeImagePart(`data:${mimeType ?? 'image/png'};base64,${text.replace(/\s+/g, '')}`);
  return makeImagePart(text, mimeType);
}

const other = (part: Json): ConversationPart => ({ type: 'other', raw: toText(part) });

/** Reads one part; a bare string is text. */
export function readMessagePart(part: Json): ConversationPart {
  if (typeof part === 'string') return { type: 'text', text: part };
  if (!isObject(part)) return other(part);
  const type = asString(part.type);
  switch (type) {
    case 'text':
    case 'input_text':
    case 'output_text':
      return { type: 'text', text: asString(part.content) ?? asString(part.text) ?? toText(part.content ?? part.text) };
    case 'reasoning':
    case 'thinking':
      return { type: 'reasoning', text: asString(part.content) ?? asString(part.text) ?? asString(part.thinking) ?? toText(part) };
    case 'tool_call':
    case 'tool-call':
    case 'tool_use':
    case 'function_call':
      return {
        type: 'tool_call',
        id: asString(part.id) ?? asString(part.toolCallId) ?? asString(part.call_id),
        name: asString(part.name) ?? asString(part.toolName) ?? 'tool',
        arguments: toText(part.arguments ?? part.args ?? part.input),
      };
    case 'tool_call_response':
    case 'tool-result':
    case 'tool_result':
    case 'function_call_output':
      return {
        type: 'tool_result',
        id: asString(part.id) ?? asString(part.toolCallId) ?? asString(part.tool_use_id) ?? asString(part.call_id),
        content: toText(part.response ?? part.result ?? part.content ?? part.output),
      };
    case 'image_url': {
      // OpenAI: {image_url: {url}}; Caribou also allows {image_url: "…"}.
      const url = asString(part.image_url) ?? (isObject(part.image_url) ? asString(part.image_url.url) : null);
      return url ? makeImagePart(url) : other(part);
    }
    case 'image': {
      const mime = asString(part.mimeType) ?? asString(part.mime_type) ?? asString(part.media_type);
      // Anthropic: {source: {type: "base64", media_type, data}} or {source: {type: "url", url}}.
      if (isObject(part.source)) {
        const source = part.source;
        const sourceMime = asString(source.media_type) ?? mime;
        if (typeof source.data === 'string') return imageFromField(source.data, sourceMime) ?? other(part);
        if (typeof source.url === 'string') return makeImagePart(source.url, sourceMime);
      }
      const nested = isObject(part.image) ? asString(part.image.url) : null;
      return imageFromField(part.image ?? part.url ?? nested ?? undefined, mime) ?? other(part);
    }
    case 'blob': {
      const mime = asString(part.mime_type);
      const content = asString(part.content);
      const isImage = part.modality === 'image' || (mime ?? '').startsWith('image/');
      if (content && isImage) return makeImagePart(`data:${mime ?? 'image/png'};base64,${content}`);
      return other(part);
    }
    case 'uri': {
      const uri = asString(part.uri);
      const mime = asString(part.mime_type);
      const isImage = part.modality === 'image' || (mime ?? '').startsWith('image/');
      return uri && isImage ? makeImagePart(uri, mime) : other(part);
    }
    default:
      if (type === null && typeof part.text === 'string') return { type: 'text', text: part.text };
      return other(part);
  }
}

/** `content` as text, a list of parts, one part, or nothing. */
export function readContent(content: Json | undefined): ConversationPart[] {
  if (content === undefined || content === null) return [];
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  if (Array.isArray(content)) return content.map(readMessagePart);
  return [readMessagePart(content)];
}

/** OpenAI `tool_calls: [{id, function: {name, arguments}}]`, or flat `{id, name, arguments}`. */
export function readToolCalls(calls: Json | undefined): ConversationPart[] {
  const list = decodeJsonText(calls);
  if (!Array.isArray(list)) return [];
  return list.map((call): ConversationPart => {
    if (!isObject(call)) return other(call);
    const fn = isObject(call.function) ? call.function : call;
    return {
      type: 'tool_call',
      id: asString(call.id) ?? asString(call.toolCallId),
      name: asString(fn.name) ?? asString(call.toolName) ?? 'tool',
      arguments: toText(fn.arguments ?? fn.args ?? call.args),
    };
  });
}
