/** A titled section whose body can be folded away; the region is named after its title. */
import { useId, useState, type ReactNode } from 'react';

export interface CollapsibleSectionProps {
  title: string;
  /** Shown after the title, e.g. a count. */
  meta?: ReactNode;
  isInitiallyOpen?: boolean;
  /** Controls shown at the right of the header (not part of the toggle). */
  actions?: ReactNode;
  children: ReactNode;
}

export function CollapsibleSection({ title, meta, isInitiallyOpen = true, actions, children }: CollapsibleSectionProps) {
  const [isOpen, setIsOpen] = useState(isInitiallyOpen);
  const bodyId = useId();
  return (
    <section className="section" aria-label={title}>
      <div className="section__header">
        <button type="button" className="section__toggle" aria-expanded={isOpen} aria-controls={bodyId} onClick={() => setIsOpen((o) => !o)}>
          <span className={`chevron${isOpen ? ' chevron--open' : ''}`} aria-hidden="true" />
          <span className="section__title">{title}</span>
          {meta !== undefined ? <span className="section__meta">{meta}</span> : null}
        </button>
        {actions ? <div className="section__actions">{actions}</div> : null}
      </div>
      {isOpen ? (
        <div className="section__body" id={bodyId}>
          {children}
        </div>
      ) : null}
    </section>
  );
}
