import { Module } from '@nestjs/common';

/** The lesson domain of this app: its controllers/gateways and services are registered here. */
@Module({})
export class LessonRealtimeModule {}
