import { Module } from '@nestjs/common';
import { UsageRecordingModule } from '@tongke/analytics';
import { EquityDemoService } from './equity-demo.service.js';
import { EquityController } from './equity.controller.js';
import { EquityRepository } from './equity.repository.js';
import { EquityService } from './equity.service.js';

/** Equity monitoring: records usage (library, planning) and answers the dashboards. */
@Module({
  imports: [UsageRecordingModule],
  controllers: [EquityController],
  providers: [EquityService, EquityRepository, EquityDemoService],
  exports: [EquityService, EquityDemoService],
})
export class EquityModule {}
