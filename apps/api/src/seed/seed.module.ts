import { Module } from '@nestjs/common';
import { LessonsModule } from '../lessons/lessons.module.js';
import { LibraryModule } from '../library/library.module.js';
import { SeedService } from './seed.service.js';

@Module({ imports: [LessonsModule, LibraryModule], providers: [SeedService], exports: [SeedService] })
export class SeedModule {}
