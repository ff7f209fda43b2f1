/**
 * Key/value pairs (attributes, resource) as a two-column table. Strings stay text (long ones
 * cut, JSON ones pretty-printable); objects and arrays print as indented JSON.
 */
import type { ReactNode } from 'react';
import type { AttributeValue } from '../../shared/model/attribute-value';
import { formatAttributeValue } from '../lib/json-text';
import { LongText } from './LongText';

export interface KeyValueTableProps {
  label: string;
  entries: readonly (readonly [string, AttributeValue])[];
  /** Extra content after a key (e.g. what was derived from it). */
  renderKeyNote?(key: string): ReactNode;
  emptyText?: string;
}

export function AttributeValueView({ value }: { value: AttributeValue }) {
  if (typeof value === 'string') {
    return value === '' ? <span className="muted">(empty)</span> : <LongText text={value} />;
  }
  if (value !== null && typeof value === 'object') {
    return <LongText text={formatAttributeValue(value, true)} canPrettyPrint={false} isBlock limitChars={4000} />;
  }
  return <span className={`kv-scalar kv-scalar--${value === null ? 'null' : typeof value}`}>{formatAttributeValue(value)}</span>;
}

export function KeyValueTable({ label, entries, renderKeyNote, emptyText = 'None' }: KeyValueTableProps) {
  if (entries.length === 0) return <p className="muted kv-empty">{emptyText}</p>;
  return (
    <table className="kv-table" aria-label={label}>
      <thead className="sr-only">
        <tr>
          <th scope="col">Key</th>
          <th scope="col">Value</th>
        </tr>
      </thead>
      <tbody>
        {entries.map(([key, value]) => (
          <tr key={key}>
            <th scope="row" className="kv-table__key">
              <span className="mono">{key}</span>
              {renderKeyNote?.(key)}
            </th>
            <td className="kv-table__value">
              <AttributeValueView value={value} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
