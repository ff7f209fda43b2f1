/**
 * Revealing a selected span in the waterfall, as pure decisions: from the engine's answer to
 * a `revealKey` query, either expand the collapsed ancestors that hide it, or go to its row;
 * and whether a row is already in view (so it is only scrolled to when it is not).
 */

export type RevealPlan =
  /** Remove these keys from the collapsed set, then locate the span again. */
  | { kind: 'expand'; spanKeys: string[] }
  /** The span is at this row of the flattened tree. */
  | { kind: 'show'; index: number }
  /** Not in this session (or not read yet). */
  | { kind: 'absent' };

export interface RevealAnswer {
  revealIndex: number | null;
  revealAncestorKeys: readonly string[];
}

/** What to do with the engine's answer for a span, given the keys that were collapsed when asking. */
export function planReveal(answer: RevealAnswer, collapsedKeys: readonly string[]): RevealPlan {
  if (answer.revealIndex !== null) return { kind: 'show', index: answer.revealIndex };
  const collapsed = new Set(collapsedKeys);
  const hiding = answer.revealAncestorKeys.filter((key) => collapsed.has(key));
  return hiding.length > 0 ? { kind: 'expand', spanKeys: hiding } : { kind: 'absent' };
}

/** True when row `index` (fixed height) lies wholly inside the scrolled viewport. */
export function isRowInView(index: number, rowHeightPx: number, scrollTopPx: number, viewportHeightPx: number): boolean {
  const top = index * rowHeightPx;
  return top >= scrollTopPx && top + rowHeightPx <= scrollTopPx + viewportHeightPx;
}
