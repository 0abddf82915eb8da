import * as Y from 'yjs';
import {
  anchorAt,
  deleteText,
  docFromLog,
  insertText,
  layoutOf,
  planSection,
  resolveRange,
  sectionText,
  setSectionText,
} from './plan-doc.js';

const sync = (a: Y.Doc, b: Y.Doc) => {
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
};

describe('plan document helpers', () => {
  it('reads a section as plain text: one line per textblock, lists flattened, formatting ignored', () => {
    const doc = new Y.Doc();
    const frag = planSection(doc, 'process');
    const p = new Y.XmlElement('paragraph');
    const t = new Y.XmlText();
    p.insert(0, [t]);
    const list = new Y.XmlElement('bullet_list');
    const item = new Y.XmlElement('list_item');
    const ip = new Y.XmlElement('paragraph');
    ip.insert(0, [new Y.XmlText('小组讨论')]);
    item.insert(0, [ip]);
    list.insert(0, [item]);
    frag.insert(0, [p, new Y.XmlElement('paragraph'), list]);
    t.insert(0, '一、导入', { bold: true });
    expect(sectionText(doc, 'process')).toBe('一、导入\n\n小组讨论');
    expect(layoutOf(frag).lines).toHaveLength(3);
  });

  it('edits by plain-text offsets across paragraphs', () => {
    const doc = new Y.Doc();
    setSectionText(doc, 'board', '第一行\n第二行');
    insertText(doc, 'board', 4, '新');
    deleteText(doc, 'board', 1, 5);
    expect(sectionText(doc, 'board')).toBe('第\n二行');
  });

  it('anchors a range that follows its text through concurrent edits, as a JSON round trip', () => {
    const a = new Y.Doc();
    setSectionText(a, 'objectives', '学生能够解一元一次方程');
    const b = new Y.Doc();
    sync(a, b);
    const start = JSON.parse(JSON.stringify(anchorAt(a, 'objectives', 5, 0))) as unknown;
    const end = JSON.parse(JSON.stringify(anchorAt(a, 'objectives', 11, -1))) as unknown;
    expect(resolveRange(b, start, end)).toEqual({
      section: 'objectives',
      from: 5,
      to: 11,
      text: '一元一次方程',
    });
    insertText(a, 'objectives', 0, '目标：');
    insertText(b, 'objectives', 7, '·');
    insertText(b, 'objectives', 12, '（含检验）'); // after b's own '·'
    sync(a, b);
    expect(sectionText(a, 'objectives')).toBe('目标：学生能够解一元·一次方程（含检验）');
    expect(resolveRange(a, start, end)?.text).toBe('一元·一次方程');
  });

  it('does not resolve anchors into unknown items or other top-level types', () => {
    const doc = new Y.Doc();
    setSectionText(doc, 'objectives', '目标');
    expect(
      resolveRange(doc, { item: { client: 1, clock: 99 } }, { item: { client: 1, clock: 100 } }),
    ).toBeNull();
    expect(resolveRange(doc, { tname: 'evil' }, { tname: 'evil' })).toBeNull();
    expect(resolveRange(doc, 'nonsense', null)).toBeNull();
  });

  it('rebuilds from a log, skipping an update that does not apply', () => {
    const a = new Y.Doc();
    const updates: Uint8Array[] = [];
    a.on('update', (u: Uint8Array) => updates.push(u));
    setSectionText(a, 'homework', '练习一');
    insertText(a, 'homework', 3, '、练习二');
    const skipped: number[] = [];
    const doc = docFromLog(null, [updates[0], new Uint8Array([1, 2, 3]), updates[1]], {
      onSkip: (i) => skipped.push(i),
    });
    expect(sectionText(doc, 'homework')).toBe('练习一、练习二');
    expect(skipped).toEqual([1]);
  });
});
