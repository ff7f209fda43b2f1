/**
 * The span's messages as the engine read them (`SpanDetail.conversation`): who said what,
 * reasoning, tool calls with their arguments, tool results, and images. Only raster images
 * embedded as base64 `data:` URLs are drawn; any other image reference is shown as text and
 * never fetched. Everything is React text, never HTML.
 */
import type { Conversation, ConversationMessage, ConversationPart } from '../../../shared/contract/wire-types';
import { LongText } from '../../components/LongText';
import { formatPrettyJson } from '../../lib/json-text';
import { formatImageReference, selectSafeImageDataUrl } from '../../lib/safe-image';

/** Tool arguments and results are text on the wire; JSON is shown indented. */
const formatToolText = (text: string): string => formatPrettyJson(text) ?? text;

function ImagePartView({ part }: { part: Extract<ConversationPart, { type: 'image' }> }) {
  const reference = 'dataUrl' in part ? part.dataUrl : part.url;
  const safe = 'dataUrl' in part ? selectSafeImageDataUrl(part.dataUrl) : null;
  if (safe !== null) {
    return (
      <div className="chat-part chat-part--image">
        <img className="chat-image" src={safe} alt={`Image from the message${part.mimeType ? ` (${part.mimeType})` : ''}`} loading="lazy" decoding="async" />
      </div>
    );
  }
  const isEmbedded = 'dataUrl' in part;
  return (
    <div
      className="chat-part chat-part--image-ref"
      role="note"
      aria-label="Image not shown"
      title={
        isEmbedded
          ? 'Only PNG, JPEG, GIF and WebP images embedded as base64 are drawn; this one is shown as text.'
          : 'Images are only drawn from data embedded in the trace; this one is a link and is not fetched.'
      }
    >
      <span className="chat-image-placeholder" aria-hidden="true">
        ▨
      </span>
      <span className="chat-part__label">{isEmbedded ? 'image (not shown)' : 'image (not fetched)'}</span>
      {part.mimeType ? <span className="muted mono chat-part__mime">{part.mimeType}</span> : null}
      <span className="mono chat-part__url">{formatImageReference(reference)}</span>
    </div>
  );
}

/** One part of a message (also used by the whole-session conversation view). */
export function PartView({ part }: { part: ConversationPart }) {
  switch (part.type) {
    case 'text':
      return (
        <div className="chat-part chat-part--text">
          <LongText text={part.text} limitChars={4000} canPrettyPrint />
        </div>
      );
    case 'reasoning':
      return (
        <div className="chat-part chat-part--reasoning">
          <span className="chat-part__label">reasoning</span>
          <LongText text={part.text} limitChars={2000} canPrettyPrint={false} />
        </div>
      );
    case 'tool_call':
      return (
        <div className="chat-part chat-part--tool">
          <div className="chat-part__head">
            <span className="chat-part__label">tool call</span>
            <span className="mono chat-part__tool-name">{part.name}</span>
            {part.id ? <span className="mono muted chat-part__id">{part.id}</span> : null}
          </div>
          {part.arguments ? <LongText text={formatToolText(part.arguments)} isBlock limitChars={4000} canPrettyPrint={false} /> : null}
        </div>
      );
    case 'tool_result':
      return (
        <div className="chat-part chat-part--tool">
          <div className="chat-part__head">
            <span className="chat-part__label">tool result</span>
            {part.id ? <span className="mono muted chat-part__id">{part.id}</span> : null}
          </div>
          {part.content ? <LongText text={formatToolText(part.content)} isBlock limitChars={4000} canPrettyPrint={false} /> : <span className="muted">(empty)</span>}
        </div>
      );
    case 'image':
      return <ImagePartView part={part} />;
    case 'other':
      return (
        <div className="chat-part chat-part--other">
          <span className="chat-part__label">part</span>
          <LongText text={part.raw} isBlock limitChars={2000} canPrettyPrint />
        </div>
      );
    default: {
      // A part type this build does not know yet: shown as JSON text.
      const unknown: unknown = part;
      return (
        <div className="chat-part chat-part--other">
          <LongText text={JSON.stringify(unknown)} isBlock limitChars={2000} canPrettyPrint />
        </div>
      );
    }
  }
}

/** A role as a CSS class suffix (`chat-message--assistant`). */
export const roleClass = (role: string) => role.toLowerCase().replace(/[^a-z_-]/g, '');

function MessageView({ message }: { message: ConversationMessage }) {
  return (
    <>
      <div className="chat-message__head">
        <span className="chat-message__role">{message.role}</span>
        {message.name ? <span className="muted mono">{message.name}</span> : null}
        {message.finishReason ? <span className="muted chat-message__finish">finish: {message.finishReason}</span> : null}
      </div>
      {message.parts.length === 0 ? <div className="muted chat-part">(empty)</div> : null}
      {message.parts.map((part, j) => (
        <PartView key={j} part={part} />
      ))}
    </>
  );
}

export function ConversationView({ conversation }: { conversation: Conversation }) {
  // The model's response starts at the first output message that follows some input.
  const firstOutput = conversation.messages.findIndex((m) => m.direction === 'output');
  return (
    <div className="chat">
      <ol className="chat__list" aria-label="Messages">
        {conversation.messages.map((message, i) => (
          <li
            key={i}
            aria-label={`${message.role} message`}
            className={`chat-message chat-message--${roleClass(message.role)}${message.direction ? ` chat-message--${message.direction}` : ''}`}
          >
            {i === firstOutput && i > 0 ? <div className="chat__divider">response</div> : null}
            <MessageView message={message} />
          </li>
        ))}
      </ol>
      {conversation.fromKeys.length > 0 ? <p className="chat__provenance muted">from {conversation.fromKeys.join(', ')}</p> : null}
    </div>
  );
}
