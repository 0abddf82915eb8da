import { Logger } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
  WebSocketServer,
  type OnGatewayDisconnect,
  type OnGatewayInit,
} from '@nestjs/websockets';
import { TokenService } from '@tongke/auth';
import { AppError } from '@tongke/common';
import { AppConfig } from '@tongke/config';
import type {
  PlanJoinResult,
  PlanningClientToServerEvents,
  PlanningServerToClientEvents,
  PlanSyncResult,
  SocketAck,
} from '@tongke/contracts';
import type { Namespace, Socket } from 'socket.io';
import { socketAuthMiddleware, type AuthedSocketData } from '../realtime/socket-auth.js';
import type { PlanRelay } from './live-plan-doc.js';
import { PlanDocRegistry } from './plan-doc.registry.js';
import {
  PlanSyncService,
  type AwarenessRelay,
  type JoinedPlan,
  type PlanConnection,
} from './plan-sync.service.js';

/** Between classroom instances (socket.io `serverSideEmit` over the Redis adapter). */
interface PlanningPeerEvents {
  'planning:update': (p: { planId: string; seq: number; update: string; originSocketId: string }) => void;
  'planning:awareness': (p: { planId: string; update: string }) => void;
}
interface PlanningSocketData extends AuthedSocketData {
  plans?: Map<string, JoinedPlan>;
}
type PlanningNamespace = Namespace<
  PlanningClientToServerEvents,
  PlanningServerToClientEvents,
  PlanningPeerEvents,
  PlanningSocketData
>;
type PlanningSocket = Socket<
  PlanningClientToServerEvents,
  PlanningServerToClientEvents,
  PlanningPeerEvents,
  PlanningSocketData
>;

const room = (planId: string) => `plan:${planId}`;
/** The Redis adapter sends `serverSideEmit` payloads as JSON: binary travels as base64. */
const toBase64 = (u: Uint8Array): string =>
  Buffer.from(u.buffer, u.byteOffset, u.byteLength).toString('base64');
const fromBase64 = (s: unknown): Uint8Array =>
  typeof s === 'string' ? new Uint8Array(Buffer.from(s, 'base64')) : new Uint8Array(0);

async function ack<T>(work: () => T | Promise<T>): Promise<SocketAck<T>> {
  try {
    return { ok: true, data: await work() };
  } catch (err) {
    if (err instanceof AppError) return { ok: false, error: { code: err.code, message: err.message } };
    new Logger('PlanningGateway').error({ err }, 'planning socket handler failed');
    return { ok: false, error: { code: 'INTERNAL_ERROR', message: 'Something went wrong on our side' } };
  }
}

/**
 * `/planning`: Yjs sync and awareness per plan room. Thin: authentication at the handshake,
 * message plumbing and the relay; the rules live in PlanSyncService and the live documents.
 * Each instance relays stored updates to its own sockets from its own document's queue, and tells
 * the other instances (which do the same) — so a socket never misses an update its instance has.
 */
@WebSocketGateway({ namespace: '/planning' })
export class PlanningGateway implements OnGatewayInit, OnGatewayDisconnect, PlanRelay, AwarenessRelay {
  private readonly logger = new Logger('PlanningGateway');

  @WebSocketServer()
  server: PlanningNamespace;

  constructor(
    private readonly tokens: TokenService,
    private readonly sync: PlanSyncService,
    private readonly docs: PlanDocRegistry,
    private readonly config: AppConfig,
  ) {}

  afterInit(server: PlanningNamespace): void {
    server.use(socketAuthMiddleware(this.tokens));
    this.docs.attachRelay(this);
    this.sync.attachRelay(this);
    server.on('planning:update', (p) =>
      this.docs.get(p.planId)?.remote(p.seq, fromBase64(p.update), p.originSocketId),
    );
    server.on('planning:awareness', (p) => this.sync.remoteAwareness(p.planId, fromBase64(p.update)));
  }

  handleDisconnect(socket: PlanningSocket): void {
    try {
      this.sync.disconnected(this.connection(socket));
    } catch (err) {
      this.logger.error({ err }, 'planning disconnect cleanup failed');
    }
  }

  @SubscribeMessage('join')
  join(
    @ConnectedSocket() socket: PlanningSocket,
    @MessageBody() body: unknown,
  ): Promise<SocketAck<PlanJoinResult>> {
    return ack(() => this.sync.join(this.connection(socket), body));
  }

  @SubscribeMessage('leave')
  leave(
    @ConnectedSocket() socket: PlanningSocket,
    @MessageBody() body: unknown,
  ): Promise<SocketAck<{ planId: string }>> {
    return ack(() => this.sync.leave(this.connection(socket), body));
  }

  @SubscribeMessage('sync')
  syncMessage(
    @ConnectedSocket() socket: PlanningSocket,
    @MessageBody() body: unknown,
  ): Promise<SocketAck<PlanSyncResult>> {
    return ack(() => this.sync.sync(this.connection(socket), body));
  }

  @SubscribeMessage('awareness')
  awareness(@ConnectedSocket() socket: PlanningSocket, @MessageBody() body: unknown): void {
    this.sync.awareness(this.connection(socket), body);
  }

  updateToLocal(planId: string, seq: number, message: Uint8Array, exceptSocketId: string | null): void {
    const to = this.server.local.to(room(planId));
    (exceptSocketId ? to.except(exceptSocketId) : to).emit('sync', { planId, message, seq });
  }

  updateToPeers(planId: string, seq: number, update: Uint8Array, originSocketId: string): void {
    if (this.config.redisUrl)
      this.server.serverSideEmit('planning:update', {
        planId,
        seq,
        update: toBase64(update),
        originSocketId,
      });
  }

  awarenessToLocal(planId: string, update: Uint8Array, exceptSocketId: string | null): void {
    const to = this.server.local.to(room(planId));
    (exceptSocketId ? to.except(exceptSocketId) : to).volatile.emit('awareness', { planId, update });
  }

  awarenessToPeers(planId: string, update: Uint8Array): void {
    if (this.config.redisUrl)
      this.server.serverSideEmit('planning:awareness', { planId, update: toBase64(update) });
  }

  revoked(socketId: string, planId: string, code: string, message: string): void {
    this.server.local.to(socketId).emit('revoked', { planId, code, message });
  }

  private connection(socket: PlanningSocket): PlanConnection {
    socket.data.plans ??= new Map();
    return {
      id: socket.id,
      principal: socket.data.principal,
      plans: socket.data.plans,
      joinRoom: (planId) => void socket.join(room(planId)),
      leaveRoom: (planId) => void socket.leave(room(planId)),
    };
  }
}
