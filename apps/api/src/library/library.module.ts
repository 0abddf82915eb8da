import { Module } from '@nestjs/common';

/** The library domain of this app: its controllers/gateways and services are registered here. */
@Module({})
export class LibraryModule {}
