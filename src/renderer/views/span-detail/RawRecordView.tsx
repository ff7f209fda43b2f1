/** The record exactly as it is in the source, with where it is (line and byte offset, or a database's table and row). */
import { useState } from 'react';
import type { RawRecord } from '../../../shared/contract/wire-types';
import { LongText } from '../../components/LongText';
import { formatBytes } from '../../lib/format';

export function RawRecordView({ raw, format }: { raw: RawRecord; format: string }) {
  const [copyState, setCopyState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(raw.text);
      setCopyState('copied');
    } catch {
      setCopyState('failed');
    }
    window.setTimeout(() => setCopyState('idle'), 1500);
  };
  return (
    <div className="raw-record">
      <div className="raw-record__where">
        {raw.table !== undefined ? (
          <span className="mono">{`table ${raw.table}, row ${raw.rowid}`}</span>
        ) : (
          <span className="mono">{`line ${raw.line}, offset ${raw.offset}`}</span>
        )}
        <span className="muted">
          {' '}
          · {raw.table !== undefined ? 'database row' : formatBytes(raw.lengthBytes)} · {format}
        </span>
        <button type="button" className="button button--small raw-record__copy" onClick={() => void copy()}>
          {copyState === 'copied' ? 'Copied' : copyState === 'failed' ? 'Copy failed' : 'Copy'}
        </button>
      </div>
      <div className="raw-record__path mono" title={raw.path}>
        {raw.path}
      </div>
      {raw.isCut ? <p className="muted">The record is longer than 1 MB; the start is shown.</p> : null}
      <LongText text={raw.text} isBlock limitChars={100_000} />
    </div>
  );
}
