import { Module } from '@nestjs/common';
import { PlanLogStore } from '@tongke/database';
import { PlanDocRegistry } from './plan-doc.registry.js';
import { PlanSyncService } from './plan-sync.service.js';
import { PlanningGateway } from './planning.gateway.js';

/** The planning domain of this app: the `/planning` namespace (Yjs sync, awareness) over the plan log. */
@Module({
  providers: [PlanLogStore, PlanDocRegistry, PlanSyncService, PlanningGateway],
  exports: [PlanSyncService],
})
export class PlanningRealtimeModule {}
