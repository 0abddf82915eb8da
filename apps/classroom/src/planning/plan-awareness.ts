import type { PlanAccessRole } from '@tongke/contracts';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

export interface AwarenessIdentity {
  userId: string;
  displayName: string;
  access: PlanAccessRole;
}

/**
 * Rewrites a client's awareness update (y-protocols format: count, then clientID, clock, JSON
 * state per entry) so that presence cannot be spoofed: each entry's `user` is the authenticated
 * caller, and entries for awareness client ids another connection owns are dropped. Returns the
 * re-encoded update and the client ids it names, or null when nothing is left or it does not parse.
 */
export function sanitizeAwareness(
  update: Uint8Array,
  who: AwarenessIdentity,
  mayUse: (clientId: number) => boolean,
): { update: Uint8Array; clientIds: number[] } | null {
  const entries: { clientId: number; clock: number; state: string }[] = [];
  try {
    const d = decoding.createDecoder(update);
    const n = decoding.readVarUint(d);
    if (n > 16) return null;
    for (let i = 0; i < n; i++) {
      const clientId = decoding.readVarUint(d);
      const clock = decoding.readVarUint(d);
      const raw = JSON.parse(decoding.readVarString(d)) as unknown;
      if (!mayUse(clientId)) continue;
      let state: unknown = null;
      if (raw !== null) {
        if (typeof raw !== 'object' || Array.isArray(raw)) return null;
        state = {
          ...(raw as Record<string, unknown>),
          user: { id: who.userId, name: who.displayName, access: who.access },
        };
      }
      entries.push({ clientId, clock, state: JSON.stringify(state) });
    }
  } catch {
    return null;
  }
  if (entries.length === 0) return null;
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, entries.length);
  for (const x of entries) {
    encoding.writeVarUint(e, x.clientId);
    encoding.writeVarUint(e, x.clock);
    encoding.writeVarString(e, x.state);
  }
  return { update: encoding.toUint8Array(e), clientIds: entries.map((x) => x.clientId) };
}
