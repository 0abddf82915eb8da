import { Global, Module, type DynamicModule } from '@nestjs/common';
import { AppConfig, loadConfig } from './app-config.js';

@Global()
@Module({})
export class ConfigModule {
  /** Pass a prebuilt config (tests, the embedded launcher) or let it validate process.env once. */
  static forRoot(config?: AppConfig): DynamicModule {
    return {
      module: ConfigModule,
      providers: [{ provide: AppConfig, useValue: config ?? loadConfig() }],
      exports: [AppConfig],
    };
  }
}
