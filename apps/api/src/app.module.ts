import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '@tongke/auth';
import { AppConfig, ConfigModule } from '@tongke/config';
import { DatabaseModule, RefreshToken, User } from '@tongke/database';
import { LoggerModule } from 'nestjs-pino';
import { DomainEventsModule, pinoParams } from '@tongke/common';
import { AuthController } from './auth/auth.controller.js';
import { AuthService } from './auth/auth.service.js';
import { LoginRateLimitGuard } from './auth/login-rate-limit.guard.js';
import { CommonModule } from './common/common.module.js';
import { HealthModule } from './health/health.module.js';
import { PairingsModule } from './pairings/pairings.module.js';
import { SchoolsModule } from './schools/schools.module.js';
import { SeedModule } from './seed/seed.module.js';
import { TeachersModule } from './teachers/teachers.module.js';
import { EquityModule } from './equity/equity.module.js';
import { LessonsModule } from './lessons/lessons.module.js';
import { LibraryModule } from './library/library.module.js';
import { PlanningModule } from './planning/planning.module.js';
import { SearchModule } from './search/search.module.js';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot(pinoParams(config.logLevel, 'api')),
        DatabaseModule.forRoot(),
        CommonModule,
        DomainEventsModule,
        AuthModule,
        HealthModule,
        SchoolsModule,
        TeachersModule,
        PairingsModule,
        SeedModule,
        LibraryModule,
        SearchModule,
        LessonsModule,
        PlanningModule,
        EquityModule,
        TypeOrmModule.forFeature([User, RefreshToken]),
      ],
      controllers: [AuthController],
      providers: [AuthService, LoginRateLimitGuard],
    };
  }
}
