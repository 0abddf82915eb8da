import { isPlanSectionCode } from '@tongke/contracts';
import * as Y from 'yjs';

export type UpdateCheck =
  { ok: true; hasNewContent: boolean; clientId: number | null } | { ok: false; reason: string };

/** Whether every item in [clock, clock+len) of a client is already deleted in the document. */
function rangeDeleted(doc: Y.Doc, client: number, clock: number, len: number): boolean {
  const structs = doc.store.clients.get(client);
  if (!structs || clock + len > Y.getState(doc.store, client)) return false;
  for (let i = Y.findIndexSS(structs, clock); i < structs.length && structs[i].id.clock < clock + len; i++) {
    if (!structs[i].deleted) return false;
  }
  return true;
}

/**
 * Validates a client's update against the plan's document without applying it: it must decode,
 * add top-level content only to the plan's sections, and — to be worth storing — contain
 * something the document does not have yet (new structs or new deletions).
 */
export function checkUpdate(doc: Y.Doc, update: Uint8Array): UpdateCheck {
  let decoded: ReturnType<typeof Y.decodeUpdate>;
  try {
    decoded = Y.decodeUpdate(update);
  } catch {
    return { ok: false, reason: 'the update does not decode' };
  }
  let hasNewContent = false;
  let clientId: number | null = null;
  for (const struct of decoded.structs) {
    if (struct instanceof Y.Skip) continue;
    if (struct instanceof Y.Item && typeof struct.parent === 'string') {
      if (!isPlanSectionCode(struct.parent) || struct.parentSub !== null) {
        return { ok: false, reason: `unknown section "${String(struct.parent)}"` };
      }
    }
    clientId ??= struct.id.client;
    if (struct.id.clock + struct.length > Y.getState(doc.store, struct.id.client)) hasNewContent = true;
  }
  if (!hasNewContent) {
    outer: for (const [client, items] of decoded.ds.clients) {
      for (const item of items) {
        if (!rangeDeleted(doc, client, item.clock, item.len)) {
          hasNewContent = true;
          break outer;
        }
      }
    }
  }
  return { ok: true, hasNewContent, clientId };
}
