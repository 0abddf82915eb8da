import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Invite, RefreshToken, User } from '@tongke/database';
import { SchoolsModule } from '../schools/schools.module.js';
import { TeachersController } from './teachers.controller.js';
import { UsersService } from './users.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([User, Invite, RefreshToken]), SchoolsModule],
  controllers: [TeachersController],
  providers: [UsersService],
  exports: [UsersService],
})
export class TeachersModule {}
