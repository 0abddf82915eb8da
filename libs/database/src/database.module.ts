import { Global, Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '@tongke/config';
import { DataSource } from 'typeorm';
import { createDataSourceOptions, targetFromConfig } from './data-source.js';

@Global()
@Module({})
export class DatabaseModule {
  /** Connects and runs pending migrations before the app serves a request. */
  static forRoot(): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [AppConfig],
          useFactory: (config: AppConfig) => ({
            ...createDataSourceOptions(targetFromConfig(config)),
            migrationsRun: true,
          }),
          dataSourceFactory: async (options) => {
            if (!options) throw new Error('no data source options');
            return new DataSource(options).initialize();
          },
        }),
      ],
      exports: [TypeOrmModule],
    };
  }
}
