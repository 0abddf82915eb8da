import { appendParagraph, deleteText, insertText, planTexts, setSectionText } from '@tongke/contracts';
import * as Y from 'yjs';
import { tallyChanges, type AuthoredUpdate } from './plan-changes.js';
import { restoreUpdate } from './plan-restore.js';

/** Two editors' documents and the log of who stored what, in order. */
function session() {
  const base = new Y.Doc();
  setSectionText(base, 'objectives', '理解方程');
  setSectionText(base, 'process', '一、导入\n二、新授');
  const baseState = Y.encodeStateAsUpdate(base);
  const log: AuthoredUpdate[] = [];
  const editor = (authorId: string) => {
    const doc = new Y.Doc();
    Y.applyUpdate(doc, baseState);
    doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin !== 'remote') log.push({ update, authorId });
    });
    return doc;
  };
  return { baseState, log, editor };
}

const flush = (docs: Y.Doc[]) => {
  for (const a of docs)
    for (const b of docs)
      if (a !== b) Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)), 'remote');
};

describe('version change summary', () => {
  it('attributes additions and removals per section to whoever made them; net change matches the text', () => {
    const { baseState, log, editor } = session();
    const wang = editor('wang');
    const li = editor('li');
    insertText(wang, 'objectives', 4, '的概念');
    deleteText(li, 'process', 0, 2);
    appendParagraph(li, 'homework', '习题一');
    flush([wang, li]);
    insertText(wang, 'process', 0, '【】');
    // Typed and taken back by the same person in one go: neither added nor removed.
    wang.transact(() => {
      insertText(wang, 'board', 0, '草稿');
      deleteText(wang, 'board', 0, 2);
    });

    const tallies = tallyChanges(baseState, log);
    const by = (code: string) => tallies.find((t) => t.code === code);
    expect(Object.fromEntries(by('objectives')?.byAuthor ?? [])).toEqual({ wang: { added: 3, removed: 0 } });
    expect(Object.fromEntries(by('process')?.byAuthor ?? [])).toEqual({
      li: { added: 0, removed: 2 },
      wang: { added: 2, removed: 0 },
    });
    expect(Object.fromEntries(by('homework')?.byAuthor ?? [])).toEqual({ li: { added: 3, removed: 0 } });
    expect(by('board')?.byAuthor.size).toBe(0);
    for (const t of tallies) {
      const net = [...t.byAuthor.values()].reduce((n, a) => n + a.added - a.removed, 0);
      expect(net).toBe(t.charsAfter - t.charsBefore);
    }
  });

  it('restores a version as one change that only touches the sections that differ', () => {
    const { baseState, editor } = session();
    const doc = editor('wang');
    insertText(doc, 'objectives', 0, '新');
    appendParagraph(doc, 'board', '板书');
    const version = new Y.Doc();
    Y.applyUpdate(version, baseState);
    const change = restoreUpdate(doc, version);
    expect(change.sections).toEqual(['objectives', 'board']);
    expect(change.update).not.toBeNull();
    if (change.update) Y.applyUpdate(doc, change.update);
    expect(planTexts(doc)).toEqual(planTexts(version));
    expect(restoreUpdate(doc, version)).toMatchObject({ update: null, sections: [] });
  });
});
