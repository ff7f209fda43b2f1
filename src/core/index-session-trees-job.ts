/**
 * Index worker job: stores the span trees of an index's big sessions, so that opening one
 * reads its tree instead of building it on the thread that serves the UI (a 100,000-span tree
 * takes ~70 ms of a core alone, several times that while the page is loading beside it).
 * Runs once a source is read; a session whose stored tree is of its current spans is skipped.
 * Then it checkpoints the index's log (IndexDb.checkpoint): the work that follows reading a file.
 */
import type { IndexDb } from './index/index-db';
import { encodeSessionTree } from './session-tree-codec';
import { buildSessionTree } from './session-trees';

/** Builds and stores what is missing or stale; `write` runs each store in the pool's write turn. Returns trees written. */
export function runSessionTreesJob(db: IndexDb, minSpans: number, write: (store: () => void) => void): number {
  let written = 0;
  for (const sessionId of db.querySessionsWithSpans(minSpans)) {
    const mark = db.readSessionBlockMark(sessionId);
    if (db.readSessionTree(sessionId)?.mark === mark) continue;
    const built = buildSessionTree(db, sessionId);
    if (!built) continue;
    const bytes = encodeSessionTree(built);
    write(() => db.writeSessionTree(sessionId, mark, bytes));
    written++;
  }
  write(() => db.checkpoint());
  return written;
}
