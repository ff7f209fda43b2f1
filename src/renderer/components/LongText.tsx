/**
 * Text that may be huge (prompts, base64 payloads, JSON): shown cut to a limit with a
 * button to show everything, and, when it holds JSON, a toggle to pretty-print it.
 * Always rendered as React text, never as HTML.
 */
import { useMemo, useState } from 'react';
import { formatPrettyJson, truncateText } from '../lib/json-text';
import { formatCount } from '../lib/format';

export interface LongTextProps {
  text: string;
  /** Characters shown before "Show all". */
  limitChars?: number;
  /** Offer a pretty-print toggle when the text is JSON. */
  canPrettyPrint?: boolean;
  /** Render in a <pre> (keeps line breaks; for code and records). */
  isBlock?: boolean;
}

export function LongText({ text, limitChars = 2000, canPrettyPrint = true, isBlock = false }: LongTextProps) {
  const [isExpanded, setIsExpanded] = useState(false);
  const [isPretty, setIsPretty] = useState(false);
  const prettyText = useMemo(() => (canPrettyPrint ? formatPrettyJson(text) : undefined), [canPrettyPrint, text]);
  const looksLikeJson = prettyText !== undefined;
  const pretty = isPretty ? prettyText : undefined;
  const shown = pretty ?? text;
  const cut = isExpanded ? { text: shown, omittedChars: 0 } : truncateText(shown, limitChars);
  const Tag = isBlock || pretty !== undefined ? 'pre' : 'span';
  return (
    <span className="long-text">
      <Tag className={Tag === 'pre' ? 'long-text__pre' : 'long-text__inline'}>{cut.text}</Tag>
      {cut.omittedChars > 0 || looksLikeJson || isExpanded ? (
        <span className="long-text__actions">
          {cut.omittedChars > 0 ? (
            <button type="button" className="link-button" onClick={() => setIsExpanded(true)}>
              Show all ({formatCount(cut.omittedChars)} more characters)
            </button>
          ) : null}
          {isExpanded && shown.length > limitChars ? (
            <button type="button" className="link-button" onClick={() => setIsExpanded(false)}>
              Show less
            </button>
          ) : null}
          {looksLikeJson ? (
            <button type="button" className="link-button" aria-pressed={isPretty} onClick={() => setIsPretty((p) => !p)}>
              {isPretty ? 'Raw' : 'Pretty JSON'}
            </button>
          ) : null}
        </span>
      ) : null}
    </span>
  );
}
