import { DynamicModule, Module } from '@nestjs/common';
import { AlertChecks } from './alert-checks.service';
import { ALERTS_SETTINGS, DEFAULT_ALERTS_SETTINGS, type AlertsSettings } from './alerts.constants';
import { AlertsService } from './alerts.service';

/**
 * Alerts (worker). Needs, from the host: TypeORM, MetricsModule and TenantEventsModule
 * (resolved app-wide); list AlertsProcessor in the worker's providers for the checks.
 */
@Module({})
export class AlertsModule {
  static forRoot(options: Partial<AlertsSettings> = {}): DynamicModule {
    const settings: AlertsSettings = { ...DEFAULT_ALERTS_SETTINGS, ...options };
    return {
      module: AlertsModule,
      // Global: webhook processing raises alerts.
      global: true,
      providers: [{ provide: ALERTS_SETTINGS, useValue: settings }, AlertsService, AlertChecks],
      exports: [AlertsService, AlertChecks],
    };
  }
}
