import { Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import {
  WebSocketGateway,
  WebSocketServer,
  type OnGatewayConnection,
  type OnGatewayDisconnect,
  type OnGatewayInit,
} from '@nestjs/websockets';
import { AppError } from '@tongke/common';
import { LESSON_COMMANDS, LESSON_NAMESPACE, type SocketAck } from '@tongke/contracts';
import { LessonErrors } from './lesson.errors.js';
import { EMPTY_SCHEMA, parsePayload } from './lesson.schemas.js';
import { LessonPresenceService } from './lesson-presence.service.js';
import { LessonRooms, type LessonNamespace, type LessonSocket } from './lesson-rooms.js';
import { LessonSessionService } from './lesson-session.service.js';

type Handler = (...args: unknown[]) => void;

/**
 * The `/lesson` namespace. Handshake: a lesson join token in `auth.token` (the Origin allowlist is
 * enforced by the adapter for every namespace). Each event is answered with an ack, `{ ok: true,
 * data }` or `{ ok: false, error }`; the rules live in LessonSessionService.
 */
@WebSocketGateway({ namespace: LESSON_NAMESPACE })
export class LessonGateway
  implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect, BeforeApplicationShutdown
{
  private readonly logger = new Logger('LessonGateway');

  @WebSocketServer()
  ns: LessonNamespace;

  constructor(
    private readonly session: LessonSessionService,
    private readonly rooms: LessonRooms,
    private readonly presence: LessonPresenceService,
  ) {}

  afterInit(ns: LessonNamespace): void {
    this.rooms.bind(ns);
    ns.use((socket, next) => {
      const claims = this.session.verifyJoinToken((socket.handshake.auth as { token?: unknown }).token);
      if (!claims) {
        const err = new Error('JOIN_TOKEN_INVALID') as Error & { data?: unknown };
        err.data = { code: 'JOIN_TOKEN_INVALID', message: 'A valid lesson join token is required' };
        return next(err);
      }
      socket.data = { claims, joined: null, rttMs: null, rttReported: null, attendanceId: null };
      next();
    });
    this.presence.startProbing(() => ns.sockets.values());
  }

  handleConnection(socket: LessonSocket): void {
    const on = (event: string, run: (payload: unknown) => unknown) => {
      (socket as unknown as { on(e: string, h: Handler): void }).on(event, (...args: unknown[]) => {
        const ack =
          typeof args[args.length - 1] === 'function'
            ? (args.pop() as (r: SocketAck<unknown>) => void)
            : undefined;
        this.answer(socket, event, ack, () => run(args[0]));
      });
    };
    on('lesson:join', (p) => this.session.join(socket, p));
    on('lesson:resync', (p) => this.session.resync(socket, p));
    for (const name of LESSON_COMMANDS) on(name, (p) => this.session.command(socket, name, p));
    on('rtc:signal', (p) => this.session.signal(socket, p));
    on('rtc:ice-servers', (p) => {
      parsePayload(EMPTY_SCHEMA, p ?? {});
      return this.session.iceServersFor(socket);
    });
    on('pointer:move', (p) => this.session.pointer(socket, p));
  }

  handleDisconnect(socket: LessonSocket): void {
    this.session.leave(socket);
  }

  /**
   * Before the database closes: finish background work and close this instance's attendance
   * intervals. The sockets are left to the server's close, which drops their transports, so
   * clients reconnect by themselves (a server-side disconnect would tell them not to).
   */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.ns) await this.session.shutdown(this.ns.sockets.values());
  }

  private answer(
    socket: LessonSocket,
    event: string,
    ack: ((r: SocketAck<unknown>) => void) | undefined,
    run: () => unknown,
  ): void {
    Promise.resolve()
      .then(run)
      .then(
        (data) => ack?.({ ok: true, data }),
        (err: unknown) => {
          if (!(err instanceof AppError)) {
            this.logger.error({ err, event, socket: socket.id }, 'lesson event failed');
          }
          const e = err instanceof AppError ? err : LessonErrors.internal();
          ack?.({ ok: false, error: { code: e.code, message: e.message } });
        },
      );
  }
}
