import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import type { AppConfig } from '@tongke/config';
import { createClient, type RedisClientType } from 'redis';
import type { Server, ServerOptions } from 'socket.io';

/**
 * socket.io with the Origin allowlist on every handshake and, when REDIS_URL is set, the Redis
 * adapter so several classroom instances share rooms.
 */
export class ClassroomIoAdapter extends IoAdapter {
  private adapterConstructor?: ReturnType<typeof createAdapter>;
  private clients?: { pub: RedisClientType; sub: RedisClientType };

  constructor(
    app: INestApplicationContext,
    private readonly config: AppConfig,
  ) {
    super(app);
  }

  get usesRedis(): boolean {
    return !!this.adapterConstructor;
  }

  async connectToRedis(): Promise<void> {
    if (!this.config.redisUrl) return;
    const pub: RedisClientType = createClient({ url: this.config.redisUrl });
    const sub: RedisClientType = pub.duplicate();
    pub.on('error', () => undefined);
    sub.on('error', () => undefined);
    await Promise.all([pub.connect(), sub.connect()]);
    this.clients = { pub, sub };
    this.adapterConstructor = createAdapter(pub, sub);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const allowed = new Set(this.config.allowedOrigins);
    const server = super.createIOServer(port, {
      ...(options as Partial<ServerOptions>),
      serveClient: false,
      path: options?.path ?? '/socket.io',
      cors: { origin: [...allowed], credentials: false },
      // Browsers always send Origin; a page from anywhere else must not open a socket with a stolen token.
      allowRequest: (req, callback) => {
        const origin = req.headers.origin;
        callback(null, !origin || allowed.has(origin));
      },
      pingInterval: 10_000,
      pingTimeout: 20_000,
      maxHttpBufferSize: 1_000_000,
    } as ServerOptions);
    if (this.adapterConstructor) server.adapter(this.adapterConstructor);
    return server;
  }

  /**
   * Called by Nest when the application closes, after every socket server has closed. The
   * subscriber goes first: until it has quit, another instance's request (fetchSockets, a
   * cross-instance emit) can still arrive, and the adapter answers it on the publisher, which must
   * then still be open (a publish on a closed client is an unhandled rejection).
   */
  override async dispose(): Promise<void> {
    await super.dispose();
    const clients = this.clients;
    this.clients = undefined;
    if (!clients) return;
    await clients.sub.quit().catch(() => undefined);
    await clients.pub.quit().catch(() => undefined);
  }
}
