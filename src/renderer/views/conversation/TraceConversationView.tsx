/**
 * The whole dialogue of a typed-span session, as the engine reads it (getTraceConversation):
 * system, user and assistant messages with their tool calls, tool results (a failed tool's
 * error flagged), and grader messages set apart, in start order. Clicking a message selects
 * its span (span detail opens); "Show in waterfall" also switches to the waterfall, where the
 * span is revealed. Messages are drawn by span detail's PartView: text is never HTML, images
 * only from `data:` URLs, anything else a placeholder with its URL.
 */
import { useEffect, useLayoutEffect, useMemo, useRef, type KeyboardEvent, type MouseEvent } from 'react';
import type { TraceConversationMessage } from '../../../shared/contract/wire-types';
import { useSession } from '../../api/use-session';
import { useTraceConversation } from '../../api/use-trace-conversation';
import { EmptyState } from '../../components/EmptyState';
import { formatCount, formatCountOf, formatOffsetUs, formatPreciseDateTimeUs } from '../../lib/format';
import { navigate } from '../../state/route-store';
import { RunOutcomeBadge } from '../sessions/RunOutcome';
import { RunLabelStats } from '../sessions/RunMeta';
import { PartView, roleClass } from '../span-detail/ConversationView';

export interface TraceConversationViewProps {
  sourceId: string;
  sessionId: string;
  selectedSpanKey: string | null;
  /** Selects the span and shows it in the waterfall. */
  onShowInWaterfall(spanKey: string): void;
}

/** Pixels from the bottom within which the list follows new messages. */
const FOLLOW_SLACK_PX = 48;

export function TraceConversationView({ sourceId, sessionId, selectedSpanKey, onShowInWaterfall }: TraceConversationViewProps) {
  const ref = useMemo(() => ({ sourceId, sessionId }), [sourceId, sessionId]);
  const conversation = useTraceConversation(ref);
  const session = useSession(ref);
  const value = conversation.value;
  const messages = value?.messages ?? [];
  const summary = session.value;
  const firstStartUs = messages.find((m) => m.startUs !== null)?.startUs ?? null;
  const graderCount = messages.filter((m) => m.isGrader).length;

  const scrollRef = useRef<HTMLDivElement>(null);
  const isAtBottomRef = useRef(false);
  const messageCount = messages.length;
  // Reading a live session at its end: new messages stay in view.
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (el && isAtBottomRef.current) el.scrollTop = el.scrollHeight;
  }, [messageCount]);
  const onScroll = () => {
    const el = scrollRef.current;
    if (el) isAtBottomRef.current = el.scrollHeight - el.scrollTop - el.clientHeight < FOLLOW_SLACK_PX;
  };

  // A span selected elsewhere (the waterfall, a deep link) is scrolled into view once.
  const scrolledKeyRef = useRef<string | null>(null);
  useEffect(() => {
    if (selectedSpanKey === null || scrolledKeyRef.current === selectedSpanKey) return;
    const el = scrollRef.current?.querySelector<HTMLElement>(`[data-span-key="${CSS.escape(selectedSpanKey)}"]`);
    if (!el) return;
    scrolledKeyRef.current = selectedSpanKey;
    el.scrollIntoView({ block: 'nearest' });
  }, [selectedSpanKey, messageCount]);

  const select = (spanKey: string) => {
    scrolledKeyRef.current = spanKey;
    navigate({ sourceId, sessionId, spanKey }, { replace: true });
  };
  const onMessageClick = (e: MouseEvent<HTMLLIElement>, spanKey: string) => {
    // Selecting text to copy it is not a click on the message.
    if (window.getSelection()?.toString()) return;
    if ((e.target as HTMLElement).closest('button, a')) return;
    select(spanKey);
  };
  const onMessageKeyDown = (e: KeyboardEvent<HTMLLIElement>, spanKey: string) => {
    if ((e.key === 'Enter' || e.key === ' ') && e.target === e.currentTarget) {
      e.preventDefault();
      select(spanKey);
    }
  };

  return (
    <section className="conversation" aria-label="Session conversation">
      <header className="conversation__header">
        <div className="waterfall__title">
          <span className="waterfall__title-label">Conversation</span>
          <span className="mono waterfall__session-id" title={sessionId}>
            {sessionId}
          </span>
          {summary ? <RunOutcomeBadge status={summary.runStatus} /> : null}
        </div>
        <dl className="stat-row">
          <div className="stat">
            <dt>Messages</dt>
            <dd className="mono">{value ? formatCount(messages.length) : '—'}</dd>
          </div>
          {graderCount > 0 ? (
            <div className="stat">
              <dt>Grader</dt>
              <dd className="mono">{formatCount(graderCount)}</dd>
            </div>
          ) : null}
          {summary ? <RunLabelStats tags={summary.tags} meta={summary.meta} /> : null}
        </dl>
        <div className="waterfall__actions">{conversation.isLoading ? <span className="spinner" role="status" aria-label="Loading" /> : null}</div>
      </header>
      {conversation.error ? (
        <p className="inline-error" role="alert">
          {conversation.error}
        </p>
      ) : null}
      {value?.isCut ? (
        <p className="conversation__note" role="note">
          Showing the first {formatCountOf(value.maxMessages, 'message')}; this session has {formatCountOf(value.totalSpans, 'message span')}. Select a
          span in the waterfall to read a later one.
        </p>
      ) : null}
      {value && value.unreadableSpans > 0 ? (
        <p className="conversation__note conversation__note--warning" role="note">
          {formatCountOf(value.unreadableSpans, 'span')} could not be read back: the file changed since it was indexed. Reopen it to read them.
        </p>
      ) : null}
      <div ref={scrollRef} className="conversation__scroll" onScroll={onScroll}>
        {value && messages.length === 0 ? (
          <EmptyState title="No messages in this session">
            <p>
              The conversation is read from typed agent spans (Message and ToolExecution records). For other formats, select an LLM span in the
              waterfall to see its messages in span detail.
            </p>
          </EmptyState>
        ) : (
          <ol className="chat__list conversation__list" aria-label="Conversation">
            {messages.map((message, i) => (
              <ConversationMessageItem
                key={`${message.spanKey}:${i}`}
                message={message}
                firstStartUs={firstStartUs}
                isSelected={message.spanKey === selectedSpanKey}
                onClick={(e) => onMessageClick(e, message.spanKey)}
                onKeyDown={(e) => onMessageKeyDown(e, message.spanKey)}
                onShowInWaterfall={() => {
                  scrolledKeyRef.current = message.spanKey;
                  onShowInWaterfall(message.spanKey);
                }}
              />
            ))}
          </ol>
        )}
      </div>
    </section>
  );
}

/** When a message was sent, from the first one: "+1.20 s" ("+0 s" for the first). */
function formatMessageOffset(startUs: number | null, firstStartUs: number | null): string {
  if (startUs === null || firstStartUs === null) return '';
  return startUs === firstStartUs ? '+0 s' : formatOffsetUs(startUs - firstStartUs);
}

interface ConversationMessageItemProps {
  message: TraceConversationMessage;
  firstStartUs: number | null;
  isSelected: boolean;
  onClick(e: MouseEvent<HTMLLIElement>): void;
  onKeyDown(e: KeyboardEvent<HTMLLIElement>): void;
  onShowInWaterfall(): void;
}

function ConversationMessageItem({ message, firstStartUs, isSelected, onClick, onKeyDown, onShowInWaterfall }: ConversationMessageItemProps) {
  const label = `${message.role} message${message.name ? ` ${message.name}` : ''}${message.isGrader ? ', grader' : ''}${message.isError ? ', error' : ''}`;
  const classes = [
    'chat-message',
    `chat-message--${roleClass(message.role)}`,
    'conversation-message',
    message.isGrader ? 'conversation-message--grader' : '',
    message.isError ? 'conversation-message--error' : '',
    isSelected ? 'is-selected' : '',
  ];
  return (
    <li
      className={classes.filter(Boolean).join(' ')}
      aria-label={label}
      aria-current={isSelected ? 'true' : undefined}
      data-span-key={message.spanKey}
      tabIndex={0}
      onClick={onClick}
      onKeyDown={onKeyDown}
    >
      <div className="chat-message__head">
        <span className="chat-message__role">{message.role}</span>
        {message.name ? <span className="muted mono">{message.name}</span> : null}
        {message.isGrader ? <span className="conversation-flag conversation-flag--grader">grader</span> : null}
        {message.isError ? <span className="conversation-flag conversation-flag--error">error</span> : null}
        <span className="conversation-message__time mono muted" title={formatPreciseDateTimeUs(message.startUs)}>
          {formatMessageOffset(message.startUs, firstStartUs)}
        </span>
        <button type="button" className="link-button conversation-message__show" title={`Span ${message.spanId}`} onClick={onShowInWaterfall}>
          Show in waterfall
        </button>
      </div>
      {message.parts.length === 0 ? <div className="muted chat-part">(empty)</div> : null}
      {message.parts.map((part, j) => (
        <PartView key={j} part={part} />
      ))}
    </li>
  );
}
