export * from './lib/tenant-events.module';
export * from './lib/tenant-events.constants';
export * from './lib/tenant-events.publisher';
export * from './lib/tenant-events.processor';
export * from './lib/event-delivery.service';
export * from './lib/event-endpoints.service';
export * from './lib/event-endpoints.schemas';
export * from './lib/event-signature';
export { EventEndpointEntity } from './lib/event-endpoint.entity';
