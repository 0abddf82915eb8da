import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Classroom, Pairing, School, User } from '@tongke/database';
import { PairingsController } from './pairings.controller.js';
import { PairingsService } from './pairings.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([Pairing, School, User, Classroom])],
  controllers: [PairingsController],
  providers: [PairingsService],
  exports: [PairingsService],
})
export class PairingsModule {}
