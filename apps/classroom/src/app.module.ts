import { Module, type DynamicModule } from '@nestjs/common';
import { UsageRecordingModule } from '@tongke/analytics';
import { TokenModule } from '@tongke/auth';
import { DomainEventsModule, pinoParams } from '@tongke/common';
import { AppConfig, ConfigModule } from '@tongke/config';
import { DatabaseModule } from '@tongke/database';
import { LoggerModule } from 'nestjs-pino';
import { HealthController } from './health/health.controller.js';
import { LessonRealtimeModule } from './lesson/lesson.module.js';
import { PlanningRealtimeModule } from './planning/planning.module.js';
import { PresenceGateway } from './presence/presence.gateway.js';
import { RealtimeState } from './realtime/realtime-state.js';

@Module({})
export class ClassroomModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ClassroomModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot(pinoParams(config.logLevel, 'classroom')),
        DatabaseModule.forRoot(),
        TokenModule,
        DomainEventsModule,
        // Lesson and live plan-edit usage for equity monitoring, written from this process.
        UsageRecordingModule,
        LessonRealtimeModule,
        PlanningRealtimeModule,
      ],
      controllers: [HealthController],
      providers: [PresenceGateway, RealtimeState],
    };
  }
}
