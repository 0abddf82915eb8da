import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { HttpExceptionFilter, createValidationPipe } from '@tongke/common';
import type { AppConfig } from '@tongke/config';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module.js';
import { SeedService, type SeedResult } from './seed/seed.service.js';
import { spaHandlers } from './web/spa.middleware.js';

export interface ApiApp {
  app: NestExpressApplication;
  seed?: SeedResult;
}

/** Builds the API app (used by main.ts, the embedded launcher and the tests). Does not listen. */
export async function createApiApp(config: AppConfig, opts: { logger?: boolean } = {}): Promise<ApiApp> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bufferLogs: true,
    logger: opts.logger === false ? false : undefined,
  });
  if (opts.logger !== false) app.useLogger(app.get(Logger));
  app.set('trust proxy', 'loopback, linklocal, uniquelocal');
  app.disable('x-powered-by');
  const realtimeOrigin = new URL(config.realtimePublicUrl).origin;
  app.use(
    helmet({
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
    }),
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

  for (const handler of spaHandlers(config.webDistDir)) app.use(handler);

  await app.init();
  const seed = config.seedDemo ? await app.get(SeedService).seedDemo() : undefined;
  return { app, seed };
}
