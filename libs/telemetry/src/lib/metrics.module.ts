import { DynamicModule, Global, Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller';
import { createHttpMetrics, createMetricsRegistry, METRICS_REGISTRY } from './metrics.registry';

export const HTTP_METRICS = Symbol('HTTP_METRICS');

@Global()
@Module({})
export class MetricsModule {
  static forRoot(service: string): DynamicModule {
    const registry = createMetricsRegistry(service);
    return {
      module: MetricsModule,
      controllers: [MetricsController],
      providers: [
        { provide: METRICS_REGISTRY, useValue: registry },
        { provide: HTTP_METRICS, useValue: createHttpMetrics(registry) },
      ],
      exports: [METRICS_REGISTRY, HTTP_METRICS],
    };
  }
}
