import {
  PLAN_SECTIONS,
  countChars,
  isPlanSectionCode,
  planTexts,
  type PlanSectionCode,
} from '@tongke/contracts';
import * as Y from 'yjs';

export interface AuthoredUpdate {
  update: Uint8Array;
  authorId: string;
}
export interface SectionTally {
  code: PlanSectionCode;
  charsBefore: number;
  charsAfter: number;
  /** authorId → characters added and removed. */
  byAuthor: Map<string, { added: number; removed: number }>;
}

type YType = Y.AbstractType<Y.YEvent<never>>;

function sectionOf(item: Y.Item): PlanSectionCode | null {
  let t = item.parent as YType | null;
  while (t && t._item !== null) t = t._item.parent as YType | null;
  if (!t) return null;
  try {
    const key = Y.findRootTypeKey(t);
    return isPlanSectionCode(key) ? key : null;
  } catch {
    return null;
  }
}

/**
 * What changed between two states of a plan, by section and by author: replays the stored updates
 * after `fromState` one author-run at a time on a document that keeps deleted content (gc off), and
 * counts the characters each run inserted (still there when the run ends) and deleted (that existed
 * before it). Per section, the authors' additions minus removals equal the change in length.
 */
export function tallyChanges(fromState: Uint8Array, updates: readonly AuthoredUpdate[]): SectionTally[] {
  const doc = new Y.Doc({ gc: false });
  Y.applyUpdate(doc, fromState);
  const before = planTexts(doc);
  const tallies = new Map<PlanSectionCode, SectionTally>(
    PLAN_SECTIONS.map((s) => [
      s.code,
      { code: s.code, charsBefore: countChars(before[s.code]), charsAfter: 0, byAuthor: new Map() },
    ]),
  );
  const count = (section: PlanSectionCode | null, author: string, kind: 'added' | 'removed', n: number) => {
    if (!section || n === 0) return;
    const byAuthor = tallies.get(section)?.byAuthor;
    if (!byAuthor) return;
    const t = byAuthor.get(author) ?? { added: 0, removed: 0 };
    t[kind] += n;
    byAuthor.set(author, t);
  };

  let author = '';
  doc.on('afterTransaction', (tr: Y.Transaction) => {
    tr.afterState.forEach((clock, client) => {
      const from = tr.beforeState.get(client) ?? 0;
      const structs = doc.store.clients.get(client);
      if (clock <= from || !structs) return;
      for (let i = Y.findIndexSS(structs, from); i < structs.length && structs[i].id.clock < clock; i++) {
        const s = structs[i];
        if (s instanceof Y.Item && !s.deleted && s.content instanceof Y.ContentString) {
          count(sectionOf(s), author, 'added', countChars(s.content.str));
        }
      }
    });
    Y.iterateDeletedStructs(tr, tr.deleteSet, (s) => {
      // Inserted and deleted within the same run: neither added nor removed.
      if (s.id.clock >= (tr.beforeState.get(s.id.client) ?? 0)) return;
      if (s instanceof Y.Item && s.content instanceof Y.ContentString)
        count(sectionOf(s), author, 'removed', countChars(s.content.str));
    });
  });

  // Consecutive updates by one author are merged: fewer transactions, same attribution.
  let i = 0;
  while (i < updates.length) {
    let j = i + 1;
    while (j < updates.length && updates[j].authorId === updates[i].authorId) j++;
    author = updates[i].authorId;
    const run = updates.slice(i, j).map((u) => u.update);
    Y.applyUpdate(doc, run.length === 1 ? run[0] : Y.mergeUpdates(run));
    i = j;
  }

  const after = planTexts(doc);
  doc.destroy();
  for (const t of tallies.values()) t.charsAfter = countChars(after[t.code]);
  return [...tallies.values()];
}
