import { PLAN_SECTIONS, type PlanSectionCode } from '@tongke/contracts';
import * as Y from 'yjs';

/**
 * The update that turns `current` into `version`'s content, as a new change: each section whose
 * content differs is emptied and refilled with copies of the version's blocks (formatting and
 * attributes included). Sections that already match are left alone, so comments anchored there
 * keep their places. Computed on a copy with a fresh Yjs client id; returns null when nothing differs.
 */
export function restoreUpdate(
  current: Y.Doc,
  version: Y.Doc,
): { update: Uint8Array | null; clientId: number; sections: PlanSectionCode[] } {
  const work = new Y.Doc();
  Y.applyUpdate(work, Y.encodeStateAsUpdate(current));
  const sections: PlanSectionCode[] = [];
  let update: Uint8Array | null = null;
  work.on('update', (u: Uint8Array) => {
    update = update ? Y.mergeUpdates([update, u]) : u;
  });
  work.transact(() => {
    for (const { code } of PLAN_SECTIONS) {
      const target = work.getXmlFragment(code);
      const source = version.getXmlFragment(code);
      // eslint-disable-next-line @typescript-eslint/no-base-to-string -- Y.XmlFragment#toString serialises its XML
      if (target.toString() === source.toString()) continue;
      sections.push(code);
      if (target.length > 0) target.delete(0, target.length);
      const copies = source
        .toArray()
        .filter(
          (node): node is Y.XmlElement | Y.XmlText =>
            node instanceof Y.XmlElement || node instanceof Y.XmlText,
        )
        .map((node) => node.clone());
      if (copies.length > 0) target.insert(0, copies);
    }
  });
  const clientId = work.clientID;
  work.destroy();
  return { update, clientId, sections };
}
