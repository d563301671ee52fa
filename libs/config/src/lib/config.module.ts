import { DynamicModule, Global, Module } from '@nestjs/common';
import { APP_CONFIG } from './config.constants';

/**
 * Makes the already-validated configuration injectable as APP_CONFIG. Parsing
 * happens in main.ts before Nest starts, so a bad value never half-boots an app.
 */
@Global()
@Module({})
export class ConfigModule {
  static forRoot<T extends object>(config: T): DynamicModule {
    return {
      module: ConfigModule,
      providers: [{ provide: APP_CONFIG, useValue: Object.freeze({ ...config }) }],
      exports: [APP_CONFIG],
    };
  }
}
