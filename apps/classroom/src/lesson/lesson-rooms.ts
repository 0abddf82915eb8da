import { Injectable } from '@nestjs/common';
import {
  audienceOf,
  type LessonClientToServerEvents,
  type LessonEventEnvelope,
  type LessonJoinClaims,
  type LessonPresence,
  type LessonQuality,
  type LessonRollback,
  type LessonServerToClientEvents,
} from '@tongke/contracts';
import type { Namespace, RemoteSocket, Socket } from 'socket.io';
import type { LessonActor } from './lesson-rules.js';

/** A socket that has joined a lesson. */
export interface LessonParticipant extends LessonActor {
  lessonId: string;
  peerId: string;
}

/** Kept on socket.data: plain values only, since the Redis adapter serialises it for fetchSockets. */
export interface LessonSocketData {
  /** From the handshake's join token. */
  claims: LessonJoinClaims;
  joined: LessonParticipant | null;
  rttMs: number | null;
  /** The round-trip time the host was last told, and when (ms since the epoch). */
  rttReported: { rttMs: number; at: number } | null;
  attendanceId: string | null;
}

type NoServerEvents = Record<string, never>;
export type LessonNamespace = Namespace<
  LessonClientToServerEvents,
  LessonServerToClientEvents,
  NoServerEvents,
  LessonSocketData
>;
export type LessonSocket = Socket<
  LessonClientToServerEvents,
  LessonServerToClientEvents,
  NoServerEvents,
  LessonSocketData
>;
export type RemoteLessonSocket = RemoteSocket<LessonServerToClientEvents, LessonSocketData>;

/** Room names. Lobby sockets are only in `any` and their lobby rooms until admitted. */
export const LessonRoomNames = {
  any: (l: string) => `lesson:${l}`,
  main: (l: string) => `lesson:${l}:main`,
  host: (l: string) => `lesson:${l}:host`,
  observers: (l: string) => `lesson:${l}:observers`,
  classroom: (l: string, c: string) => `lesson:${l}:room:${c}`,
  lobby: (l: string) => `lesson:${l}:lobby`,
  lobbyClassroom: (l: string, c: string) => `lesson:${l}:lobby:${c}`,
} as const;

const R = LessonRoomNames;

/**
 * The socket side of the lesson domain: which rooms a participant sits in and who receives
 * which event. Every operation goes through the namespace (never a local socket list), so it
 * works the same across classroom instances sharing rooms through the Redis adapter.
 */
@Injectable()
export class LessonRooms {
  private ns?: LessonNamespace;

  bind(ns: LessonNamespace): void {
    this.ns = ns;
  }

  get namespace(): LessonNamespace {
    if (!this.ns) throw new Error('lesson namespace not bound yet');
    return this.ns;
  }

  roomsFor(p: LessonParticipant, admitted: boolean): string[] {
    const l = p.lessonId;
    const rooms = [R.any(l)];
    if (p.role === 'host') rooms.push(R.main(l), R.host(l));
    else if (p.role === 'observer') rooms.push(R.main(l), R.observers(l));
    else if (p.classroomId && admitted) rooms.push(R.main(l), R.classroom(l, p.classroomId));
    else if (p.classroomId) rooms.push(R.lobby(l), R.lobbyClassroom(l, p.classroomId));
    return rooms;
  }

  /** Full event to its audience, a `hidden` placeholder to everyone else, so seqs stay contiguous. */
  broadcast(e: LessonEventEnvelope, lessonId: string): void {
    const ns = this.namespace;
    const a = audienceOf(e);
    if (a.kind === 'all') {
      ns.to(R.main(lessonId)).emit('lesson:event', e);
    } else {
      const full =
        a.kind === 'observers'
          ? [R.observers(lessonId)]
          : [R.host(lessonId), R.observers(lessonId), R.classroom(lessonId, a.classroomId)];
      ns.to(full).emit('lesson:event', e);
      ns.to(R.main(lessonId)).except(full).emit('lesson:event', { seq: e.seq, at: e.at, type: 'hidden' });
      if (e.type === 'prefetch.reported') {
        // A classroom still in the lobby sees its own report confirmed.
        ns.to(R.lobbyClassroom(lessonId, e.payload.classroomId)).emit('lesson:event', e);
      }
    }
    if (e.type === 'lobby.admitted') this.admit(lessonId, e);
    if (e.type === 'lesson.ended') ns.to(R.lobby(lessonId)).emit('lesson:event', e);
  }

  /** Events from `fromSeq` on were broadcast but their appends failed (only admitted sockets get events early). */
  rollback(lessonId: string, r: LessonRollback): void {
    this.namespace.to(R.main(lessonId)).emit('lesson:rollback', r);
  }

  /** Moves a classroom's lobby sockets into the lesson (on every instance), then tells them. */
  private admit(lessonId: string, e: LessonEventEnvelope & { type: 'lobby.admitted' }): void {
    const ns = this.namespace;
    const lobby = R.lobbyClassroom(lessonId, e.payload.classroomId);
    ns.in(lobby).socketsJoin([R.main(lessonId), R.classroom(lessonId, e.payload.classroomId)]);
    ns.to(lobby).emit('lesson:event', e);
    ns.in(lobby).socketsLeave([R.lobby(lessonId), lobby]);
  }

  presence(lessonId: string, presence: LessonPresence): void {
    this.namespace.to(R.main(lessonId)).emit('lesson:presence', presence);
  }

  quality(lessonId: string, q: LessonQuality): void {
    this.namespace.to(R.host(lessonId)).emit('lesson:quality', q);
  }

  /** Everyone in the lesson, lobby included, on every instance. */
  fetchAll(lessonId: string): Promise<RemoteLessonSocket[]> {
    return this.namespace.in(R.any(lessonId)).fetchSockets();
  }

  fetchPeer(peerId: string): Promise<RemoteLessonSocket[]> {
    return this.namespace.in(peerId).fetchSockets();
  }
}
