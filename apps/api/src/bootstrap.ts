import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { HttpExceptionFilter, createValidationPipe, newRequestId, tuneHeapGrowth } from '@tongke/common';
import type { AppConfig } from '@tongke/config';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module.js';
import { SeedService, type SeedResult } from './seed/seed.service.js';
import { serveWebApp } from './web/spa.js';

export interface ApiApp {
  app: NestFastifyApplication;
  seed?: SeedResult;
}

/** Builds the API app (used by main.ts, the embedded launcher and the tests). Does not listen. */
export async function createApiApp(config: AppConfig, opts: { logger?: boolean } = {}): Promise<ApiApp> {
  tuneHeapGrowth(config.heapGrowingPercent);
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config),
    new FastifyAdapter({
      trustProxy: 'loopback, linklocal, uniquelocal',
      genReqId: newRequestId,
      // JSON bodies are small (uploads stream past the parsers); as under Express before.
      bodyLimit: 100 * 1024,
      // A request must arrive whole within 5 minutes (Node's own default, which Fastify turns off);
      // a longer upload PATCH is cut and resumed by tus from its offset.
      requestTimeout: 300_000,
    }),
    { bufferLogs: true, logger: opts.logger === false ? false : undefined },
  );
  if (opts.logger !== false) app.useLogger(app.get(Logger));
  prepareHttp(app);
  const realtimeOrigin = new URL(config.realtimePublicUrl).origin;
  // helmet's middleware is built once (@fastify/helmet rebuilds it on every request) and run on
  // the node request and response before routing.
  const securityHeaders = helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        mediaSrc: ["'self'", 'blob:'],
        connectSrc: ["'self'", realtimeOrigin, realtimeOrigin.replace(/^http/, 'ws')],
        frameSrc: ["'self'"],
        objectSrc: ["'none'"],
        frameAncestors: ["'self'"],
      },
    },
    crossOriginEmbedderPolicy: false,
  });
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (req, reply, done) =>
      securityHeaders(req.raw, reply.raw, (err) => done(err as Error | undefined)),
    );
  app.setGlobalPrefix('api');
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new HttpExceptionFilter());
  app.enableShutdownHooks();

  const doc = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Tongke 同课 API')
      .setDescription('Shared teaching resources and joint lessons between urban and rural schools')
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('api/docs', app, doc, { jsonDocumentUrl: 'api/docs-json', useGlobalPrefix: false });

  await serveWebApp(app, config.webDistDir);

  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  const seed = config.seedDemo ? await app.get(SeedService).seedDemo() : undefined;
  return { app, seed };
}

/**
 * Upload bodies (tus PATCHes, multipart forms) are streamed to storage by their handlers, so
 * Fastify leaves them unread. (Errors Fastify raises before a handler runs, such as bad JSON or a
 * body too large, reach HttpExceptionFilter through Nest's own Fastify error handler.)
 */
function prepareHttp(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addContentTypeParser(
    ['application/offset+octet-stream', 'multipart/form-data'],
    (_req: unknown, _payload: unknown, done: (err: null) => void) => done(null),
  );
  // Every answer names its request id (the one in the log lines), as the caller sent it or new.
  fastify.addHook('onRequest', (req, reply, done) => {
    reply.header('x-request-id', req.id);
    done();
  });
}
