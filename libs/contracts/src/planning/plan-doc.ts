/* eslint-disable @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-argument -- Yjs types XmlText.toDelta() and XmlElement's attribute generic as any */
import * as Y from 'yjs';
import {
  PLAN_SECTIONS,
  isPlanSectionCode,
  type PlanBinary,
  type PlanSectionCode,
  type PlanSectionTexts,
  type RelativePositionJson,
} from '../api/planning.js';

/**
 * The lesson-plan document schema and its plain-text view, shared by the server, the web editor
 * and tests (pure, browser-safe).
 *
 * Each section is a top-level `Y.XmlFragment` named by its section code, holding ProseMirror-style
 * blocks: a *textblock* is an `XmlElement` (e.g. `paragraph`, `heading`) whose children are
 * `XmlText` (plus inline elements such as `hard_break`), or an element with no children (an empty
 * paragraph); any other element (`bullet_list`, `list_item`, …) is a container. The plain text of
 * a section is its textblocks' text joined by "\n"; offsets into it are UTF-16 units, as in JS strings.
 */

type YType = Y.AbstractType<Y.YEvent<never>>;

export const toBytes = (b: PlanBinary): Uint8Array => (b instanceof Uint8Array ? b : new Uint8Array(b));

export function planSection(doc: Y.Doc, code: PlanSectionCode): Y.XmlFragment {
  return doc.getXmlFragment(code);
}

/**
 * A document filled from updates holds untyped placeholders for its top-level types until they are
 * asked for by type; this turns every section into its `Y.XmlFragment` (so parent chains end there).
 */
export function ensureSections(doc: Y.Doc): void {
  for (const s of PLAN_SECTIONS) doc.getXmlFragment(s.code);
}

/**
 * A document from a snapshot and the updates after it, merged (the fast path). If that throws — a
 * malformed update slipped into a log — it rebuilds one update at a time, skipping the ones that
 * fail: a bad update must not make a plan unloadable.
 */
export function docFromLog(
  snapshot: Uint8Array | null,
  tail: readonly Uint8Array[],
  opts: { gc?: boolean; onSkip?: (index: number) => void } = {},
): Y.Doc {
  try {
    const doc = new Y.Doc({ gc: opts.gc ?? true });
    if (snapshot) Y.applyUpdate(doc, snapshot);
    if (tail.length > 0) Y.applyUpdate(doc, tail.length === 1 ? tail[0] : Y.mergeUpdates([...tail]));
    ensureSections(doc);
    return doc;
  } catch {
    const doc = new Y.Doc({ gc: opts.gc ?? true });
    if (snapshot) Y.applyUpdate(doc, snapshot);
    tail.forEach((u, i) => {
      try {
        Y.applyUpdate(doc, u);
      } catch {
        opts.onSkip?.(i);
      }
    });
    ensureSections(doc);
    return doc;
  }
}

interface Segment {
  text: Y.XmlText;
  start: number;
  length: number;
}
interface Line {
  block: Y.XmlElement | Y.XmlText;
  start: number;
  end: number;
  segments: Segment[];
}
interface Range {
  start: number;
  end: number;
}
/** The plain-text layout of one section: its text, its lines, and where every node sits in the text. */
export interface SectionLayout {
  text: string;
  lines: Line[];
  ranges: Map<unknown, Range>;
}

const xmlTextString = (t: Y.XmlText): string =>
  t
    .toDelta()
    .map((op: { insert?: unknown }) => (typeof op.insert === 'string' ? op.insert : '\uFFFC'))
    .join('');

const isTextblock = (el: Y.XmlElement): boolean => {
  const children = el.toArray();
  return children.length === 0 || children.some((c) => c instanceof Y.XmlText);
};

export function layoutOf(fragment: Y.XmlFragment): SectionLayout {
  const parts: string[] = [];
  const lines: Line[] = [];
  const ranges = new Map<unknown, Range>();
  let off = 0;
  const startLine = (block: Y.XmlElement | Y.XmlText): Line => {
    if (lines.length > 0) {
      parts.push('\n');
      off += 1;
    }
    const line: Line = { block, start: off, end: off, segments: [] };
    lines.push(line);
    return line;
  };
  const addText = (line: Line, t: Y.XmlText): void => {
    const s = xmlTextString(t);
    ranges.set(t, { start: off, end: off + s.length });
    line.segments.push({ text: t, start: off, length: s.length });
    parts.push(s);
    off += s.length;
    line.end = off;
  };
  const walk = (node: unknown): void => {
    if (node instanceof Y.XmlText) {
      addText(startLine(node), node);
    } else if (node instanceof Y.XmlElement) {
      if (isTextblock(node)) {
        const line = startLine(node);
        const start = off;
        for (const child of node.toArray()) {
          if (child instanceof Y.XmlText) addText(line, child);
          else ranges.set(child, { start: off, end: off });
        }
        ranges.set(node, { start, end: off });
      } else {
        const firstLine = lines.length;
        const tentative = off;
        for (const child of node.toArray()) walk(child);
        ranges.set(node, { start: lines[firstLine]?.start ?? tentative, end: off });
      }
    }
  };
  for (const child of fragment.toArray()) walk(child);
  ranges.set(fragment, { start: 0, end: off });
  return { text: parts.join(''), lines, ranges };
}

/** Characters as a reader counts them (code points, paragraph breaks not counted). */
export const countChars = (text: string): number => {
  let n = 0;
  for (const ch of text) if (ch !== '\n') n++;
  return n;
};

export function sectionText(doc: Y.Doc, code: PlanSectionCode): string {
  return layoutOf(planSection(doc, code)).text;
}

export function planTexts(doc: Y.Doc): Record<PlanSectionCode, string> {
  const out = {} as Record<PlanSectionCode, string>;
  for (const s of PLAN_SECTIONS) out[s.code] = sectionText(doc, s.code);
  return out;
}

const paragraphOf = (line: string): Y.XmlElement => {
  const p = new Y.XmlElement('paragraph');
  if (line.length > 0) p.insert(0, [new Y.XmlText(line)]);
  return p;
};

/** Replaces a section's content with one paragraph per line of `text` (one transaction). */
export function setSectionText(doc: Y.Doc, code: PlanSectionCode, text: string): void {
  const frag = planSection(doc, code);
  doc.transact(() => {
    if (frag.length > 0) frag.delete(0, frag.length);
    if (text.length > 0) frag.insert(0, text.split('\n').map(paragraphOf));
  });
}

export function setPlanTexts(doc: Y.Doc, texts: PlanSectionTexts): void {
  doc.transact(() => {
    for (const s of PLAN_SECTIONS) {
      const t = texts[s.code];
      if (t !== undefined) setSectionText(doc, s.code, t);
    }
  });
}

/** Appends a paragraph at the end of a section. */
export function appendParagraph(doc: Y.Doc, code: PlanSectionCode, text: string): void {
  const frag = planSection(doc, code);
  frag.insert(frag.length, [paragraphOf(text)]);
}

const clamp = (v: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, v));

/** The text node and index for a plain-text offset (creating the text node of an empty paragraph). */
function textPointAt(doc: Y.Doc, code: PlanSectionCode, offset: number): { text: Y.XmlText; index: number } {
  const frag = planSection(doc, code);
  const layout = layoutOf(frag);
  const at = clamp(offset, 0, layout.text.length);
  const line = layout.lines.find((l) => l.start <= at && at <= l.end);
  if (!line) {
    const p = paragraphOf('');
    frag.insert(frag.length, [p]);
    const t = new Y.XmlText();
    p.insert(0, [t]);
    return { text: t, index: 0 };
  }
  if (line.block instanceof Y.XmlText) return { text: line.block, index: at - line.start };
  const seg = line.segments.find((s) => s.start <= at && at <= s.start + s.length);
  if (seg) return { text: seg.text, index: at - seg.start };
  const t = new Y.XmlText();
  line.block.insert(0, [t]);
  return { text: t, index: 0 };
}

/** Types plain text (no line breaks) at an offset of the section's plain text. */
export function insertText(doc: Y.Doc, code: PlanSectionCode, offset: number, text: string): void {
  doc.transact(() => {
    const p = textPointAt(doc, code, offset);
    p.text.insert(p.index, text);
  });
}

/** Deletes characters in [offset, offset+length) of the section's plain text; paragraph breaks stay. */
export function deleteText(doc: Y.Doc, code: PlanSectionCode, offset: number, length: number): void {
  const layout = layoutOf(planSection(doc, code));
  const from = clamp(offset, 0, layout.text.length);
  const to = clamp(offset + length, from, layout.text.length);
  if (to <= from) return;
  doc.transact(() => {
    // Right to left, so earlier offsets stay valid.
    const segments = layout.lines.flatMap((l) => l.segments).reverse();
    for (const s of segments) {
      const a = Math.max(from, s.start);
      const b = Math.min(to, s.start + s.length);
      if (b > a) s.text.delete(a - s.start, b - a);
    }
  });
}

// ---------------------------------------------------------------- anchors (comments)

const isId = (v: unknown): boolean => {
  const o = v as { client?: unknown; clock?: unknown } | null;
  return (
    typeof o === 'object' &&
    o !== null &&
    Number.isSafeInteger(o.client) &&
    Number.isSafeInteger(o.clock) &&
    (o.client as number) >= 0 &&
    (o.clock as number) >= 0 &&
    Object.keys(o).length === 2
  );
};

/** Strict shape check of a relative position coming from a client. */
export function isRelativePositionJson(v: unknown): v is RelativePositionJson {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const o = v as Record<string, unknown>;
  if (Object.keys(o).some((k) => !['type', 'tname', 'item', 'assoc'].includes(k))) return false;
  if (o.type !== undefined && !isId(o.type)) return false;
  if (o.item !== undefined && !isId(o.item)) return false;
  if (o.tname !== undefined && !isPlanSectionCode(o.tname)) return false;
  if (o.assoc !== undefined && !Number.isSafeInteger(o.assoc)) return false;
  return o.item !== undefined || o.type !== undefined || o.tname !== undefined;
}

/**
 * A relative position for an offset of the section's plain text. `assoc` 0 sticks to the character
 * on the right (a comment's start), -1 to the character on the left (a comment's end), so text typed
 * right at either boundary stays outside the range.
 */
export function anchorAt(doc: Y.Doc, code: PlanSectionCode, offset: number, assoc = 0): RelativePositionJson {
  const frag = planSection(doc, code);
  const layout = layoutOf(frag);
  const at = clamp(offset, 0, layout.text.length);
  const line = layout.lines.find((l) => l.start <= at && at <= l.end);
  let rpos: Y.RelativePosition;
  if (!line) {
    rpos = Y.createRelativePositionFromTypeIndex(frag, assoc < 0 ? frag.length : 0, assoc);
  } else if (line.block instanceof Y.XmlText) {
    rpos = Y.createRelativePositionFromTypeIndex(line.block, at - line.start, assoc);
  } else {
    const candidates = line.segments.filter((s) => s.start <= at && at <= s.start + s.length);
    // At a boundary between two text nodes, stick to the side the association points to.
    const seg = assoc < 0 ? candidates[0] : candidates[candidates.length - 1];
    rpos = seg
      ? Y.createRelativePositionFromTypeIndex(seg.text, at - seg.start, assoc)
      : Y.createRelativePositionFromTypeIndex(line.block, 0, assoc);
  }
  return Y.relativePositionToJSON(rpos) as RelativePositionJson;
}

const rootOf = (type: YType): YType => {
  let t = type;
  while (t._item !== null) t = t._item.parent as YType;
  return t;
};

/** Where an anchor is now, or null when it does not resolve in this document (unknown or unsynced). */
export function resolveAnchor(
  doc: Y.Doc,
  json: unknown,
): { section: PlanSectionCode; offset: number } | null {
  if (!isRelativePositionJson(json)) return null;
  ensureSections(doc);
  const abs = Y.createAbsolutePositionFromRelativePosition(Y.createRelativePositionFromJSON(json), doc);
  if (!abs) return null;
  let type = abs.type as YType;
  let index = abs.index;
  // Inside a deleted paragraph: the anchor collapses to where that paragraph was.
  while (type._item !== null && type._item.deleted) {
    const item = type._item;
    let i = 0;
    for (let n = item.left; n !== null; n = n.left) if (!n.deleted && n.countable) i += n.length;
    type = item.parent as YType;
    index = i;
  }
  const root = rootOf(type);
  if (!(root instanceof Y.XmlFragment)) return null;
  let key: string;
  try {
    key = Y.findRootTypeKey(root);
  } catch {
    return null;
  }
  if (!isPlanSectionCode(key) || doc.getXmlFragment(key) !== root) return null;
  const layout = layoutOf(root);
  return { section: key, offset: offsetIn(layout, type, index) };
}

function offsetIn(layout: SectionLayout, type: YType, index: number): number {
  const own = layout.ranges.get(type);
  if (!own) return layout.text.length;
  if (type instanceof Y.XmlText) return own.start + clamp(index, 0, own.end - own.start);
  if (type instanceof Y.XmlElement || type instanceof Y.XmlFragment) {
    const children = type.toArray();
    for (let i = index; i < children.length; i++) {
      const r = layout.ranges.get(children[i]);
      if (r) return r.start;
    }
    return own.end;
  }
  return own.end;
}

/** Resolves a start/end anchor pair to a range of the section's current plain text. */
export function resolveRange(
  doc: Y.Doc,
  start: unknown,
  end: unknown,
): { section: PlanSectionCode; from: number; to: number; text: string } | null {
  const a = resolveAnchor(doc, start);
  const b = resolveAnchor(doc, end);
  if (!a || !b || a.section !== b.section) return null;
  const from = Math.min(a.offset, b.offset);
  const to = Math.max(a.offset, b.offset);
  return { section: a.section, from, to, text: sectionText(doc, a.section).slice(from, to) };
}
