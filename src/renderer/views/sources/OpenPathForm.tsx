/**
 * Opening a file by path. The web shell has no file dialog, and a path typed or pasted is
 * quicker than a dialog anyway; failures (file missing, not a trace) come back as Results
 * and are shown under the field.
 */
import { useState, type FormEvent } from 'react';
import { useClient } from '../../api/api-context';
import type { SourceInfo } from '../../../shared/contract/wire-types';

export function OpenPathForm({ onOpened }: { onOpened(sources: SourceInfo[]): void }) {
  const client = useClient();
  const [path, setPath] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [isBusy, setIsBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const trimmed = path.trim();
    if (!trimmed || isBusy) return;
    setIsBusy(true);
    setError(null);
    try {
      const result = await client.openPath({ path: trimmed });
      if (result.ok) {
        setPath('');
        onOpened(result.value);
      } else {
        setError(result.error);
      }
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setIsBusy(false);
    }
  };

  return (
    <form className="open-form" onSubmit={submit} aria-label="Open…">
      <label className="open-form__label" htmlFor="open-path-input">
        Open…
      </label>
      <div className="open-form__row">
        <input
          id="open-path-input"
          className="text-input open-form__input"
          type="text"
          aria-label="Open path"
          placeholder="/path/to/traces.jsonl"
          spellCheck={false}
          autoComplete="off"
          value={path}
          onChange={(e) => {
            setPath(e.target.value);
            if (error) setError(null);
          }}
        />
        <button type="submit" className="button button--primary" disabled={isBusy || path.trim() === ''}>
          Open
        </button>
      </div>
      {error ? (
        <p className="open-form__error" role="alert">
          {error}
        </p>
      ) : null}
    </form>
  );
}
