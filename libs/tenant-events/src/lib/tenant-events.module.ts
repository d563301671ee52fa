import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EventDeliveriesController } from './event-deliveries.controller';
import { EventDeliveriesService } from './event-deliveries.service';
import { EventDeliveryService } from './event-delivery.service';
import { EventEndpointEntity } from './event-endpoint.entity';
import { EventEndpointsController } from './event-endpoints.controller';
import { EventEndpointsService } from './event-endpoints.service';
import { OperatorEventsController } from './operator-events.controller';
import { DEFAULT_TENANT_EVENTS_SETTINGS, TENANT_EVENTS_SETTINGS, type TenantEventsSettings } from './tenant-events.constants';
import { TenantEventsPublisher } from './tenant-events.publisher';

export interface TenantEventsModuleOptions extends Partial<TenantEventsSettings> {
  /** Mount /v1/endpoints and its deliveries routes (the gateway). Default true. */
  http?: boolean;
}

/**
 * Tenant event endpoints and signed deliveries. Needs, from the host: TypeORM, QueueModule,
 * TokenVaultModule and, for the routes, TenancyModule. The worker lists
 * TenantEventsProcessor in its providers.
 */
@Module({})
export class TenantEventsModule {
  static forRoot(options: TenantEventsModuleOptions = {}): DynamicModule {
    const { http, ...overrides } = options;
    const settings: TenantEventsSettings = { ...DEFAULT_TENANT_EVENTS_SETTINGS, ...overrides };
    const services = [EventEndpointsService, EventDeliveriesService, TenantEventsPublisher, EventDeliveryService];
    return {
      module: TenantEventsModule,
      // Global: messaging, webhook processing and alerts record events in their own transactions.
      global: true,
      imports: [TypeOrmModule.forFeature([EventEndpointEntity])],
      controllers: http === false ? [] : [EventEndpointsController, EventDeliveriesController, OperatorEventsController],
      providers: [{ provide: TENANT_EVENTS_SETTINGS, useValue: settings }, ...services],
      exports: services,
    };
  }
}
