import { baseKeymap, toggleMark } from 'prosemirror-commands';
import { keymap } from 'prosemirror-keymap';
import { Schema, type Node as PMNode } from 'prosemirror-model';
import { EditorState, Plugin, PluginKey, TextSelection } from 'prosemirror-state';
import { Decoration, DecorationSet, EditorView } from 'prosemirror-view';
import {
  absolutePositionToRelativePosition,
  redo,
  relativePositionToAbsolutePosition,
  undo,
  yCursorPlugin,
  ySyncPlugin,
  ySyncPluginKey,
  yUndoPlugin,
} from 'y-prosemirror';
import type { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { resolveRange, type RelativePositionJson } from '../../../../libs/contracts/src/planning/index';

/**
 * The ProseMirror schema of one plan section. Node names are the Yjs element names the server's
 * plain-text view, the DOCX export and the change summary read (`paragraph` blocks of text, with
 * `hard_break` inline); bold and italic ride as text formatting.
 */
export const sectionSchema = new Schema({
  nodes: {
    doc: { content: 'paragraph+' },
    paragraph: {
      content: 'inline*',
      group: 'block',
      parseDOM: [{ tag: 'p' }],
      toDOM: () => ['p', 0],
    },
    text: { group: 'inline' },
    hard_break: {
      inline: true,
      group: 'inline',
      selectable: false,
      parseDOM: [{ tag: 'br' }],
      toDOM: () => ['br'],
    },
  },
  marks: {
    strong: {
      parseDOM: [{ tag: 'strong' }, { tag: 'b' }],
      toDOM: () => ['strong', 0],
    },
    em: {
      parseDOM: [{ tag: 'em' }, { tag: 'i' }],
      toDOM: () => ['em', 0],
    },
  },
});

type DeepObserver = Parameters<Y.XmlFragment['observeDeep']>[0];

/** The parts of y-prosemirror's binding the composition guard needs (not in its typings). */
interface Binding {
  type: Y.XmlFragment;
  doc: Y.Doc;
  mapping: Map<Y.AbstractType<unknown>, PMNode>;
  mux: (f: () => void) => void;
  _typeChanged: DeepObserver;
  _observeFunction: DeepObserver;
  _prosemirrorChanged: (doc: PMNode) => void;
  _forceRerender: () => void;
}

/**
 * Input-method safety. While an IME composes (拼音 → 汉字), the browser owns the text around the
 * caret: re-rendering it from a remote edit, or writing half-composed pinyin into the shared
 * document, breaks the composition. So from `compositionstart` until ProseMirror has read the
 * committed text, remote changes are not rendered and local ones are not written to Yjs. Then:
 * nothing arrived → the local change is written as usual; only remote changes → they are rendered;
 * both → the committed text is applied to Yjs at the relative positions taken when the composition
 * started (so it lands where it was typed, next to the remote edits), and the section re-rendered.
 */
class CompositionGuard {
  active = false;
  private remotePending = false;
  private localPending = false;
  private startDoc: PMNode | null = null;
  private blockFrom = 0;
  private anchors: Y.RelativePosition[] = [];
  private timer = 0;
  view: EditorView | null = null;

  constructor(private readonly binding: Binding) {
    // The binding observes its fragment through `_observeFunction` (registered when its view was
    // made): swap in one that holds remote changes back while composing.
    const typeChanged = binding._typeChanged.bind(binding);
    const observe: DeepObserver = (events, tr) => {
      if (this.active) this.remotePending = true;
      else typeChanged(events, tr);
    };
    binding.type.unobserveDeep(binding._observeFunction);
    binding._observeFunction = observe;
    binding.type.observeDeep(observe);
    const pmChanged = binding._prosemirrorChanged.bind(binding);
    binding._prosemirrorChanged = (doc) => {
      if (this.active) this.localPending = true;
      else pmChanged(doc);
    };
    this.writeLocal = pmChanged;
  }

  private readonly writeLocal: (doc: PMNode) => void;

  start(view: EditorView): void {
    window.clearTimeout(this.timer);
    if (this.active) return; // a new composition before the last one was flushed: keep its start
    this.active = true;
    this.view = view;
    const { doc, selection } = view.state;
    this.startDoc = doc;
    const $from = selection.$from;
    // Relative positions for every position of the textblock being typed into.
    this.blockFrom = $from.start();
    const blockTo = $from.end();
    this.anchors = [];
    for (let pos = this.blockFrom; pos <= blockTo; pos++)
      this.anchors.push(
        absolutePositionToRelativePosition(
          pos,
          this.binding.type,
          this.binding.mapping,
        ) as Y.RelativePosition,
      );
  }

  end(): void {
    window.clearTimeout(this.timer);
    let tries = 0;
    const settle = () => {
      // ProseMirror reads the committed text a moment after compositionend.
      if (this.view && this.view.composing && tries++ < 50) {
        this.timer = window.setTimeout(settle, 20);
        return;
      }
      this.flush();
    };
    this.timer = window.setTimeout(settle, 0);
  }

  private flush(): void {
    const view = this.view;
    const startDoc = this.startDoc;
    const remote = this.remotePending;
    const local = this.localPending;
    this.active = false;
    this.remotePending = false;
    this.localPending = false;
    this.startDoc = null;
    if (!view || view.isDestroyed || !startDoc) return;
    const b = this.binding;
    if (!remote) {
      if (local) b.mux(() => this.writeLocal(view.state.doc));
      return;
    }
    if (!local || !this.applyCommitted(startDoc, view)) {
      if (local) {
        // Not a plain text change inside one paragraph (rare): the local state of this section wins.
        b.mux(() => this.writeLocal(view.state.doc));
      }
      b._forceRerender();
    }
  }

  /** Applies the text committed since `startDoc` to Yjs at the anchors, then re-renders. */
  private applyCommitted(startDoc: PMNode, view: EditorView): boolean {
    const now = view.state.doc;
    const start = startDoc.content.findDiffStart(now.content);
    if (start === null) return false;
    const diffEnd = startDoc.content.findDiffEnd(now.content);
    if (!diffEnd) return false;
    let { a: endA, b: endB } = diffEnd;
    if (endA < start) {
      endB += start - endA;
      endA = start;
    }
    if (endB < start) {
      endA += start - endB;
      endB = start;
    }
    const from = start - this.blockFrom;
    const to = endA - this.blockFrom;
    if (from < 0 || to >= this.anchors.length) return false;
    const $a = now.resolve(start);
    const $b = now.resolve(endB);
    if (!$a.sameParent($b) || !$a.parent.isTextblock) return false;
    let textOnly = true;
    now.nodesBetween(start, endB, (n) => {
      if (!n.isText && n !== $a.parent) textOnly = false;
    });
    if (!textOnly) return false;
    const inserted = now.textBetween(start, endB);
    const b = this.binding;
    const absA = Y.createAbsolutePositionFromRelativePosition(this.anchors[from], b.doc);
    const absB = Y.createAbsolutePositionFromRelativePosition(this.anchors[to], b.doc);
    if (!absA || !absB || absA.type !== absB.type) return false;
    const type = absA.type;
    const out: { caret: Y.RelativePosition | null } = { caret: null };
    b.mux(() => {
      b.doc.transact(() => {
        if (type instanceof Y.XmlText) {
          if (absB.index > absA.index) type.delete(absA.index, absB.index - absA.index);
          if (inserted) type.insert(absA.index, inserted);
          out.caret = Y.createRelativePositionFromTypeIndex(type, absA.index + inserted.length);
        } else if (type instanceof Y.XmlElement && absA.index === absB.index) {
          const t = new Y.XmlText(inserted);
          type.insert(absA.index, [t]);
          out.caret = Y.createRelativePositionFromTypeIndex(t, inserted.length);
        }
      }, ySyncPluginKey);
    });
    if (!out.caret) return false;
    b._forceRerender();
    const at = relativePositionToAbsolutePosition(b.doc, b.type, out.caret, b.mapping);
    if (at !== null && !view.isDestroyed) {
      view.dispatch(view.state.tr.setSelection(TextSelection.create(view.state.doc, at)));
    }
    return true;
  }

  destroy(): void {
    window.clearTimeout(this.timer);
    this.view = null;
  }
}

export interface PresenceUser {
  name: string;
  color: string;
}

function cursorBuilder(user: PresenceUser): HTMLElement {
  const caret = document.createElement('span');
  caret.className = 'plan-cursor';
  caret.style.borderColor = user.color;
  caret.setAttribute('data-testid', 'remote-cursor');
  const label = document.createElement('span');
  label.className = 'plan-cursor-label';
  label.style.backgroundColor = user.color;
  label.textContent = user.name;
  caret.append('\u2060', label, '\u2060');
  return caret;
}

/** An open comment's anchor, highlighted in its section. */
export interface CommentMark {
  id: string;
  start: RelativePositionJson;
  end: RelativePositionJson;
  title: string;
}

const commentsKey = new PluginKey<{ marks: CommentMark[]; deco: DecorationSet }>('planComments');

/** The ProseMirror position of an offset of the section's plain text (the inverse of `textOffset`). */
export function posAt(doc: PMNode, offset: number): number {
  let off = 0;
  let result = -1;
  let first = true;
  doc.forEach((block, blockPos) => {
    if (result >= 0) return;
    if (!first) off += 1;
    first = false;
    const len = block.textBetween(0, block.content.size, undefined, '').length;
    if (offset <= off + len) {
      let pos = blockPos + 1;
      let left = offset - off;
      block.forEach((child) => {
        if (left <= 0) return;
        if (child.isText) {
          const take = Math.min(left, child.text?.length ?? 0);
          pos += take;
          left -= take;
        } else {
          pos += child.nodeSize;
        }
      });
      result = pos;
      return;
    }
    off += len;
  });
  return result >= 0 ? result : doc.content.size;
}

/**
 * Open comments highlighted where their anchors are now: resolved from the Yjs relative positions
 * when the comments or remote edits arrive, mapped through local edits in between.
 */
function commentsPlugin(ydoc: Y.Doc) {
  const build = (doc: PMNode, marks: CommentMark[]): DecorationSet => {
    const decos: Decoration[] = [];
    for (const m of marks) {
      const r = resolveRange(ydoc, m.start, m.end);
      if (!r || r.to <= r.from) continue;
      const from = posAt(doc, r.from);
      const to = posAt(doc, r.to);
      if (to > from)
        decos.push(
          Decoration.inline(from, to, {
            class: 'plan-comment-mark',
            title: m.title,
            'data-testid': 'comment-highlight',
          }),
        );
    }
    return DecorationSet.create(doc, decos);
  };
  return new Plugin<{ marks: CommentMark[]; deco: DecorationSet }>({
    key: commentsKey,
    state: {
      init: (_, state) => ({ marks: [], deco: DecorationSet.create(state.doc, []) }),
      apply: (tr, prev, _old, state) => {
        const marks = tr.getMeta(commentsKey) as CommentMark[] | undefined;
        const remote = (tr.getMeta(ySyncPluginKey) as { isChangeOrigin?: boolean } | undefined)
          ?.isChangeOrigin;
        if (marks) return { marks, deco: build(state.doc, marks) };
        if (remote) return { marks: prev.marks, deco: build(state.doc, prev.marks) };
        return { marks: prev.marks, deco: prev.deco.map(tr.mapping, tr.doc) };
      },
    },
    props: {
      decorations: (state) => commentsKey.getState(state)?.deco,
    },
  });
}

export interface SectionEditorOptions {
  fragment: Y.XmlFragment;
  awareness: Awareness;
  editable: () => boolean;
  label: string;
  /** The selection changed: its plain-text offsets. */
  onSelection?: (from: number, to: number) => void;
}

/** A ProseMirror editor bound to one section's `Y.XmlFragment`, with remote cursors and undo. */
export function createSectionEditor(mount: HTMLElement, opts: SectionEditorOptions) {
  const sync = ySyncPlugin(opts.fragment) as Plugin;
  let guard: CompositionGuard | null = null;
  const guardPlugin = new Plugin({
    view: (view) => {
      const state = ySyncPluginKey.getState(view.state) as { binding: Binding };
      guard = new CompositionGuard(state.binding);
      guard.view = view;
      return { destroy: () => guard?.destroy() };
    },
    props: {
      handleDOMEvents: {
        compositionstart: (view) => {
          guard?.start(view);
          return false;
        },
        compositionend: () => {
          guard?.end();
          return false;
        },
        // A composition that never reports its end (a lost compositionend) must not hold the
        // section back: plain keys, non-composition input or leaving the editor end it too.
        keydown: (_view, event) => {
          if (guard?.active && !event.isComposing && event.keyCode !== 229) guard.end();
          return false;
        },
        input: (_view, event) => {
          if (guard?.active && !event.isComposing && event.inputType !== 'insertCompositionText') guard.end();
          return false;
        },
        blur: () => {
          if (guard?.active) guard.end();
          return false;
        },
      },
    },
  });
  const state = EditorState.create({
    schema: sectionSchema,
    plugins: [
      sync,
      guardPlugin,
      yCursorPlugin(opts.awareness, {
        cursorBuilder: (u: PresenceUser) => cursorBuilder(u),
        selectionBuilder: (u: PresenceUser) => ({
          style: `background-color: ${u.color}33`,
          class: 'plan-remote-selection',
        }),
      }) as Plugin,
      yUndoPlugin() as Plugin,
      commentsPlugin(opts.fragment.doc as Y.Doc),
      keymap({
        'Mod-z': undo,
        'Mod-y': redo,
        'Mod-Shift-z': redo,
        'Mod-b': toggleMark(sectionSchema.marks.strong),
        'Mod-i': toggleMark(sectionSchema.marks.em),
        'Shift-Enter': (st, dispatch) => {
          dispatch?.(st.tr.replaceSelectionWith(sectionSchema.nodes.hard_break.create()).scrollIntoView());
          return true;
        },
      }),
      keymap(baseKeymap),
    ],
  });
  let marksTimer = 0;
  const view = new EditorView(mount, {
    state,
    editable: opts.editable,
    attributes: {
      role: 'textbox',
      'aria-multiline': 'true',
      'aria-label': opts.label,
      class: 'plan-section-editor',
      spellcheck: 'false',
    },
    // Called with the view as `this` (also while the view is being constructed: the sync plugin
    // renders the section's content from its constructor).
    dispatchTransaction(this: EditorView, tr) {
      // y-prosemirror may still deliver a queued cursor update just after the view is gone.
      if (this.isDestroyed) return;
      const next = this.state.apply(tr);
      this.updateState(next);
      if (tr.selectionSet || tr.docChanged)
        opts.onSelection?.(
          textOffset(next.doc, next.selection.from),
          textOffset(next.doc, next.selection.to),
        );
    },
  });
  return {
    view,
    /** The plain-text offsets (paragraphs joined by \n) of the current selection. */
    selectionText(): { from: number; to: number } {
      const { from, to } = view.state.selection;
      return { from: textOffset(view.state.doc, from), to: textOffset(view.state.doc, to) };
    },
    /** Selects a range given as plain-text offsets, scrolls to it and focuses the editor. */
    select(from: number, to: number): void {
      if (view.isDestroyed) return;
      const doc = view.state.doc;
      const sel = TextSelection.create(doc, posAt(doc, from), posAt(doc, to));
      view.dispatch(view.state.tr.setSelection(sel).scrollIntoView());
      view.focus();
    },
    /** Highlights these open comments of the section. */
    setComments(marks: CommentMark[]): void {
      window.clearTimeout(marksTimer);
      if (view.isDestroyed) return;
      // Not while an input method composes: redrawing around its text would break it.
      if (view.composing || guard?.active) {
        marksTimer = window.setTimeout(() => this.setComments(marks), 300);
        return;
      }
      view.dispatch(view.state.tr.setMeta(commentsKey, marks));
    },
    destroy: () => {
      window.clearTimeout(marksTimer);
      view.destroy();
    },
  };
}

/**
 * A ProseMirror position as an offset of the section's plain text (as `layoutOf` in the contracts:
 * paragraphs joined by "\n"; a hard break, an element of its own, counts nothing there).
 */
export function textOffset(doc: PMNode, pos: number): number {
  let off = 0;
  let first = true;
  let result = -1;
  doc.forEach((block, blockPos) => {
    if (result >= 0) return;
    if (!first) off += 1;
    first = false;
    const inner = blockPos + 1;
    const end = inner + block.content.size;
    if (pos <= end) {
      const local = Math.max(0, pos - inner);
      result = off + block.textBetween(0, local, undefined, '').length;
      return;
    }
    off += block.textBetween(0, block.content.size, undefined, '').length;
  });
  return result >= 0 ? result : off;
}
