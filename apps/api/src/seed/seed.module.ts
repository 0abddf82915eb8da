import { Module } from '@nestjs/common';
import { EquityModule } from '../equity/equity.module.js';
import { LessonsModule } from '../lessons/lessons.module.js';
import { LibraryModule } from '../library/library.module.js';
import { SeedService } from './seed.service.js';

@Module({
  imports: [LessonsModule, LibraryModule, EquityModule],
  providers: [SeedService],
  exports: [SeedService],
})
export class SeedModule {}
