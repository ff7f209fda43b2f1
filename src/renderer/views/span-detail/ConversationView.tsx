/**
 * The span's messages as a chat: who said what, tool calls with their arguments, tool
 * results, and images decoded locally from data: URLs. Text is React text only.
 */
import type { Conversation, ConversationPart } from '../../lib/conversation';
import { LongText } from '../../components/LongText';
import { formatPrettyJson } from '../../lib/json-text';

function PartView({ part }: { part: ConversationPart }) {
  switch (part.kind) {
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
    case 'tool-call':
      return (
        <div className="chat-part chat-part--tool">
          <div className="chat-part__head">
            <span className="chat-part__label">tool call</span>
            <span className="mono chat-part__tool-name">{part.name}</span>
            {part.id ? <span className="mono muted chat-part__id">{part.id}</span> : null}
          </div>
          {part.arguments ? <LongText text={formatPrettyJson(part.arguments) ?? part.arguments} isBlock limitChars={4000} canPrettyPrint={false} /> : null}
        </div>
      );
    case 'tool-result':
      return (
        <div className="chat-part chat-part--tool">
          <div className="chat-part__head">
            <span className="chat-part__label">tool result</span>
            {part.id ? <span className="mono muted chat-part__id">{part.id}</span> : null}
          </div>
          <LongText text={formatPrettyJson(part.result) ?? part.result} isBlock limitChars={4000} canPrettyPrint={false} />
        </div>
      );
    case 'image':
      return (
        <div className="chat-part chat-part--image">
          <img className="chat-image" src={part.dataUrl} alt="Image from the message" loading="lazy" decoding="async" />
        </div>
      );
    case 'image-ref':
      return (
        <div className="chat-part chat-part--image-ref" title="Images are only shown from data embedded in the trace; this one is a link and is not fetched.">
          <span className="chat-part__label">image (not embedded)</span>
          <span className="mono">{part.url}</span>
        </div>
      );
    default:
      return (
        <div className="chat-part">
          <LongText text={part.raw} isBlock limitChars={2000} canPrettyPrint={false} />
        </div>
      );
  }
}

export function ConversationView({ conversation }: { conversation: Conversation }) {
  const firstOutput = conversation.messages.findIndex((m) => m.direction === 'output');
  return (
    <div className="chat">
      <ol className="chat__list" aria-label="Messages">
        {conversation.messages.map((message, i) => (
          <li key={i} className={`chat-message chat-message--${message.role.replace(/[^a-z_-]/gi, '')} chat-message--${message.direction}`}>
            {i === firstOutput ? <div className="chat__divider">response</div> : null}
            <div className="chat-message__head">
              <span className="chat-message__role">{message.role}</span>
              {message.name ? <span className="muted mono">{message.name}</span> : null}
              {message.finishReason ? <span className="muted chat-message__finish">finish: {message.finishReason}</span> : null}
            </div>
            {message.parts.length === 0 ? <div className="muted chat-part">(empty)</div> : null}
            {message.parts.map((part, j) => (
              <PartView key={j} part={part} />
            ))}
          </li>
        ))}
      </ol>
      <p className="chat__provenance muted">from {conversation.fromKeys.join(', ')}</p>
    </div>
  );
}
