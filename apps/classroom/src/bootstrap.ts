import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { HttpExceptionFilter } from '@tongke/common';
import type { AppConfig } from '@tongke/config';
import { Logger } from 'nestjs-pino';
import { ClassroomModule } from './app.module.js';
import { ClassroomIoAdapter } from './realtime/io.adapter.js';
import { RealtimeState } from './realtime/realtime-state.js';

/** Builds the classroom (socket.io) service; does not listen. */
export async function createClassroomApp(
  config: AppConfig,
  opts: { logger?: boolean } = {},
): Promise<INestApplication> {
  const app = await NestFactory.create(ClassroomModule.forRoot(config), {
    bufferLogs: true,
    logger: opts.logger === false ? false : undefined,
  });
  if (opts.logger !== false) app.useLogger(app.get(Logger));
  const adapter = new ClassroomIoAdapter(app, config);
  await adapter.connectToRedis();
  app.get(RealtimeState).usesRedis = adapter.usesRedis;
  app.useWebSocketAdapter(adapter);
  app.useGlobalFilters(new HttpExceptionFilter());
  app.enableCors({ origin: config.allowedOrigins });
  app.enableShutdownHooks();
  await app.init();
  return app;
}
