import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import {
  LessonPlan,
  PlanComment,
  PlanLogStore,
  PlanningSession,
  PlanningSessionAttendee,
  PlanPost,
  PlanVersion,
  ResearchGroup,
  ResearchGroupMember,
  User,
} from '@tongke/database';
import { PlanCommentsController } from './plan-comments.controller.js';
import { PlanCommentsService } from './plan-comments.service.js';
import { PlanDocumentsService } from './plan-documents.service.js';
import { PlanVersionsController } from './plan-versions.controller.js';
import { PlanVersionsService } from './plan-versions.service.js';
import { PlanningAccess } from './planning-access.service.js';
import { PlanningSessionsController } from './planning-sessions.controller.js';
import { PlanningSessionsService } from './planning-sessions.service.js';
import { PlanningUsers } from './planning-users.js';
import { PlansController } from './plans.controller.js';
import { PlansService } from './plans.service.js';
import { ResearchGroupsController } from './research-groups.controller.js';
import { ResearchGroupsService } from './research-groups.service.js';

/** The planning domain of this app: groups, plans, comments, versions, sessions (the document sync runs in the classroom service). */
@Module({
  imports: [
    TypeOrmModule.forFeature([
      ResearchGroup,
      ResearchGroupMember,
      LessonPlan,
      PlanComment,
      PlanPost,
      PlanVersion,
      PlanningSession,
      PlanningSessionAttendee,
      User,
    ]),
  ],
  controllers: [
    ResearchGroupsController,
    PlansController,
    PlanCommentsController,
    PlanVersionsController,
    PlanningSessionsController,
  ],
  providers: [
    PlanLogStore,
    PlanningAccess,
    PlanningUsers,
    PlanDocumentsService,
    ResearchGroupsService,
    PlansService,
    PlanCommentsService,
    PlanVersionsService,
    PlanningSessionsService,
  ],
  exports: [PlansService, PlanVersionsService],
})
export class PlanningModule {}
