import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { JointLesson, LessonAttendance, LessonSeries, Pairing, User } from '@tongke/database';
import { LessonAccess } from './lesson-access.service.js';
import { LessonJoinService } from './lesson-join.service.js';
import { LessonRecordsService } from './lesson-records.service.js';
import { LessonsController } from './lessons.controller.js';
import { LessonsService } from './lessons.service.js';

/** Joint lessons: scheduling (one-off and weekly series), join tokens, attendance, timeline, record. */
@Module({
  imports: [TypeOrmModule.forFeature([JointLesson, LessonSeries, LessonAttendance, Pairing, User])],
  controllers: [LessonsController],
  providers: [LessonsService, LessonJoinService, LessonRecordsService, LessonAccess],
  exports: [LessonsService],
})
export class LessonsModule {}
