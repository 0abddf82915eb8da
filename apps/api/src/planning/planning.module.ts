import { Module } from '@nestjs/common';

/** The planning domain of this app: its controllers/gateways and services are registered here. */
@Module({})
export class PlanningModule {}
