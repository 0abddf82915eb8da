import { Logger } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
  WebSocketServer,
  type OnGatewayConnection,
  type OnGatewayInit,
} from '@nestjs/websockets';
import { TokenService } from '@tongke/auth';
import type { RootClientToServerEvents, RootServerToClientEvents, SocketAck } from '@tongke/contracts';
import type { Server, Socket } from 'socket.io';
import { socketAuthMiddleware, type AuthedSocketData } from '../realtime/socket-auth.js';

type RootServer = Server<
  RootClientToServerEvents,
  RootServerToClientEvents,
  Record<string, never>,
  AuthedSocketData
>;
type RootSocket = Socket<
  RootClientToServerEvents,
  RootServerToClientEvents,
  Record<string, never>,
  AuthedSocketData
>;

/** Handshake and liveness on the root namespace; domain namespaces (/lesson, /planning) have their own gateways. */
@WebSocketGateway()
export class PresenceGateway implements OnGatewayInit, OnGatewayConnection {
  private readonly logger = new Logger('PresenceGateway');

  @WebSocketServer()
  server: RootServer;

  constructor(private readonly tokens: TokenService) {}

  afterInit(server: RootServer): void {
    server.use(socketAuthMiddleware(this.tokens));
  }

  handleConnection(socket: RootSocket): void {
    const p = socket.data.principal;
    socket.emit('welcome', {
      userId: p.userId,
      displayName: p.displayName,
      role: p.role,
      serverTime: new Date().toISOString(),
    });
    this.logger.debug(`connected ${p.userId}`);
  }

  @SubscribeMessage('ping')
  ping(
    @ConnectedSocket() _socket: RootSocket,
    @MessageBody() body: unknown,
  ): SocketAck<{ sentAt: number; serverAt: number }> {
    const sentAt = (body as { sentAt?: unknown } | null)?.sentAt;
    if (typeof sentAt !== 'number' || !Number.isFinite(sentAt)) {
      return { ok: false, error: { code: 'VALIDATION_FAILED', message: 'sentAt must be a number' } };
    }
    return { ok: true, data: { sentAt, serverAt: Date.now() } };
  }
}
