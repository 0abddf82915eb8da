import { Injectable } from '@nestjs/common';
import type { Principal } from '@tongke/auth';
import { DomainEvents } from '@tongke/common';
import {
  PLAN_AWARENESS_MAX_BYTES,
  PLAN_UPDATE_MAX_BYTES,
  planAccessOf,
  toBytes,
  type PlanAccessRole,
  type PlanBinary,
  type PlanJoinResult,
  type PlanSyncResult,
} from '@tongke/contracts';
import { PlanLogStore, type PlanMembership } from '@tongke/database';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import { sanitizeAwareness } from './plan-awareness.js';
import { PlanDocRegistry } from './plan-doc.registry.js';
import { checkUpdate } from './plan-update-check.js';
import { PlanningSocketErrors } from './planning.errors.js';

/** What a connection knows about a plan it joined; membership is re-read when older than this. */
export const MEMBERSHIP_RECHECK_MS = 10_000;
export const MAX_PLANS_PER_SOCKET = 16;
const EDITED_EVENT_EVERY_MS = 60_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface JoinedPlan {
  membership: PlanMembership;
  access: PlanAccessRole;
  checkedAt: number;
}

/** The transport-neutral view of a connection the service needs (the gateway adapts socket.io to it). */
export interface PlanConnection {
  id: string;
  principal: Principal;
  plans: Map<string, JoinedPlan>;
  joinRoom(planId: string): void;
  leaveRoom(planId: string): void;
}

/** Awareness to this instance's other sockets in a room and to the other instances. */
export interface AwarenessRelay {
  awarenessToLocal(planId: string, update: Uint8Array, exceptSocketId: string | null): void;
  awarenessToPeers(planId: string, update: Uint8Array): void;
  revoked(socketId: string, planId: string, code: string, message: string): void;
}

const isBinary = (v: unknown): v is PlanBinary => v instanceof Uint8Array || v instanceof ArrayBuffer;

/**
 * The rules of the `/planning` namespace: who may join (members and observers of the plan's group,
 * read from the database on every join and re-read while editing), who may change the document
 * (members; an observer's change is refused, never stored or relayed), what a valid message is.
 */
@Injectable()
export class PlanSyncService {
  private readonly lastEdited = new Map<string, number>();
  private relay: AwarenessRelay | null = null;

  constructor(
    private readonly docs: PlanDocRegistry,
    private readonly store: PlanLogStore,
    private readonly events: DomainEvents,
  ) {}

  attachRelay(relay: AwarenessRelay): void {
    this.relay = relay;
  }

  async join(conn: PlanConnection, body: unknown): Promise<PlanJoinResult> {
    const planId = (body as { planId?: unknown } | null)?.planId;
    if (typeof planId !== 'string' || !UUID.test(planId)) throw PlanningSocketErrors.notFound();
    if (this.docs.closing) throw PlanningSocketErrors.closing();
    if (!conn.plans.has(planId) && conn.plans.size >= MAX_PLANS_PER_SOCKET)
      throw PlanningSocketErrors.tooManyPlans(MAX_PLANS_PER_SOCKET);
    const membership = await this.store.membership(planId, conn.principal.userId);
    if (!membership) throw PlanningSocketErrors.notFound();
    const live = await this.docs.open(planId);
    if (!live) throw PlanningSocketErrors.notFound();
    const access = planAccessOf(membership.role);
    conn.plans.set(planId, { membership, access, checkedAt: Date.now() });
    // In the room before the state vector is read: every update stored after it reaches this socket.
    conn.joinRoom(planId);
    this.docs.attach(planId, conn.id);
    const e = encoding.createEncoder();
    syncProtocol.writeSyncStep1(e, live.doc);
    const states = [...live.awareness.getStates().keys()];
    return {
      planId,
      access,
      seq: live.seq,
      syncStep1: encoding.toUint8Array(e),
      awareness: states.length ? awarenessProtocol.encodeAwarenessUpdate(live.awareness, states) : null,
    };
  }

  leave(conn: PlanConnection, body: unknown): { planId: string } {
    const planId = (body as { planId?: unknown } | null)?.planId;
    if (typeof planId !== 'string' || !conn.plans.has(planId)) throw PlanningSocketErrors.notJoined();
    this.forget(conn, planId);
    return { planId };
  }

  disconnected(conn: PlanConnection): void {
    for (const planId of [...conn.plans.keys()]) this.forget(conn, planId);
  }

  async sync(conn: PlanConnection, body: unknown): Promise<PlanSyncResult> {
    const { planId, message } = (body ?? {}) as { planId?: unknown; message?: unknown };
    if (typeof planId !== 'string' || !isBinary(message))
      throw PlanningSocketErrors.invalidMessage('expected { planId, message }');
    const joined = conn.plans.get(planId);
    const live = this.docs.get(planId) ?? (joined ? await this.docs.open(planId) : null);
    if (!joined || !live) throw PlanningSocketErrors.notJoined();
    if (this.docs.closing) throw PlanningSocketErrors.closing();
    const bytes = toBytes(message);
    if (bytes.byteLength > PLAN_UPDATE_MAX_BYTES + 16) throw PlanningSocketErrors.tooLarge(bytes.byteLength);
    let type: number;
    let payload: Uint8Array;
    try {
      const d = decoding.createDecoder(bytes);
      type = decoding.readVarUint(d);
      payload = decoding.readVarUint8Array(d);
    } catch {
      throw PlanningSocketErrors.invalidMessage('not a y-protocols sync message');
    }
    switch (type) {
      case syncProtocol.messageYjsSyncStep1: {
        const r = await live.step1(payload);
        return { reply: r.reply, seq: r.seq };
      }
      case syncProtocol.messageYjsSyncStep2:
      case syncProtocol.messageYjsUpdate: {
        if (payload.byteLength > PLAN_UPDATE_MAX_BYTES)
          throw PlanningSocketErrors.tooLarge(payload.byteLength);
        const access = await this.currentAccess(conn, planId, joined);
        if (access === 'observer') {
          // A read-only client may echo what it has (an empty step 2); anything new is refused.
          const check = checkUpdate(live.doc, payload);
          if (!check.ok) throw PlanningSocketErrors.invalidUpdate(check.reason);
          if (check.hasNewContent) throw PlanningSocketErrors.readOnly();
          return { seq: live.seq };
        }
        const seq = await live.submit({
          update: payload,
          authorId: conn.principal.userId,
          socketId: conn.id,
        });
        this.edited(conn.principal, joined.membership);
        return { seq };
      }
      default:
        throw PlanningSocketErrors.invalidMessage(`unknown message type ${type}`);
    }
  }

  awareness(conn: PlanConnection, body: unknown): void {
    const { planId, update } = (body ?? {}) as { planId?: unknown; update?: unknown };
    if (typeof planId !== 'string' || !isBinary(update)) return;
    const joined = conn.plans.get(planId);
    const live = this.docs.get(planId);
    const bytes = toBytes(update);
    if (!joined || !live || bytes.byteLength > PLAN_AWARENESS_MAX_BYTES) return;
    const clean = sanitizeAwareness(
      bytes,
      { userId: conn.principal.userId, displayName: conn.principal.displayName, access: joined.access },
      (clientId) => {
        const owner = live.awarenessOwners.get(clientId);
        return owner === undefined || owner === conn.id;
      },
    );
    if (!clean) return;
    for (const id of clean.clientIds) live.awarenessOwners.set(id, conn.id);
    awarenessProtocol.applyAwarenessUpdate(live.awareness, clean.update, conn.id);
    this.relay?.awarenessToLocal(planId, clean.update, conn.id);
    this.relay?.awarenessToPeers(planId, clean.update);
  }

  /** Awareness relayed by another instance. */
  remoteAwareness(planId: string, update: Uint8Array): void {
    const live = this.docs.get(planId);
    if (!live) return;
    try {
      awarenessProtocol.applyAwarenessUpdate(live.awareness, update, 'peer');
    } catch {
      return;
    }
    this.relay?.awarenessToLocal(planId, update, null);
  }

  private forget(conn: PlanConnection, planId: string): void {
    conn.plans.delete(planId);
    conn.leaveRoom(planId);
    const live = this.docs.get(planId);
    if (live) {
      const owned = [...live.awarenessOwners].filter(([, s]) => s === conn.id).map(([id]) => id);
      for (const id of owned) live.awarenessOwners.delete(id);
      // Only ids the server has seen a state for can be encoded (a client may have sent only removals).
      const known = owned.filter((id) => live.awareness.meta.has(id));
      if (known.length > 0) {
        awarenessProtocol.removeAwarenessStates(live.awareness, known, 'left');
        const gone = awarenessProtocol.encodeAwarenessUpdate(live.awareness, known);
        this.relay?.awarenessToLocal(planId, gone, conn.id);
        this.relay?.awarenessToPeers(planId, gone);
      }
    }
    this.docs.detach(planId, conn.id);
  }

  /** The joined access, re-read from the database when it is older than MEMBERSHIP_RECHECK_MS. */
  private async currentAccess(
    conn: PlanConnection,
    planId: string,
    joined: JoinedPlan,
  ): Promise<PlanAccessRole> {
    if (Date.now() - joined.checkedAt < MEMBERSHIP_RECHECK_MS) return joined.access;
    const membership = await this.store.membership(planId, conn.principal.userId);
    if (!membership) {
      this.forget(conn, planId);
      const err = PlanningSocketErrors.notFound();
      this.relay?.revoked(conn.id, planId, err.code, 'You are no longer a member of this plan’s group');
      throw err;
    }
    joined.membership = membership;
    joined.access = planAccessOf(membership.role);
    joined.checkedAt = Date.now();
    return joined.access;
  }

  /** Analytics: at most one `planning.edited` per user and plan a minute. */
  private edited(p: Principal, m: PlanMembership): void {
    const key = `${m.planId}:${p.userId}`;
    const now = Date.now();
    if (now - (this.lastEdited.get(key) ?? 0) < EDITED_EVENT_EVERY_MS) return;
    this.lastEdited.set(key, now);
    if (this.lastEdited.size > 10_000) {
      for (const [k, t] of this.lastEdited) if (now - t >= EDITED_EVENT_EVERY_MS) this.lastEdited.delete(k);
    }
    this.events.publish('planning.edited', {
      planId: m.planId,
      groupId: m.groupId,
      regionId: m.regionId,
      userId: p.userId,
      schoolId: p.schoolId,
      at: new Date(now).toISOString(),
    });
  }
}
