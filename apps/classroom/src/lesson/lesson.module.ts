import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LessonAttendance } from '@tongke/database';
import { LessonAttendanceRepository } from './lesson-attendance.repository.js';
import { LessonGateway } from './lesson.gateway.js';
import { LessonLogRepository } from './lesson-log.repository.js';
import { LessonPresenceService } from './lesson-presence.service.js';
import { LessonRooms } from './lesson-rooms.js';
import { LessonRuntimeRegistry } from './lesson-runtime.registry.js';
import { LessonSessionService } from './lesson-session.service.js';

/** The live lesson: the /lesson socket.io namespace, its event log, presence and attendance. */
@Module({
  imports: [TypeOrmModule.forFeature([LessonAttendance])],
  providers: [
    LessonGateway,
    LessonSessionService,
    LessonRuntimeRegistry,
    LessonLogRepository,
    LessonAttendanceRepository,
    LessonPresenceService,
    LessonRooms,
  ],
  exports: [LessonSessionService],
})
export class LessonRealtimeModule {}
