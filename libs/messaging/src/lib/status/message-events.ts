import { Injectable, Optional } from '@nestjs/common';
import { TenantEventsPublisher, type TenantEventType } from '@switchboard/tenant-events';
import type { Environment } from '@switchboard/tenancy';
import type { EntityManager } from 'typeorm';

/**
 * The tenant events of the message pipeline (`message.status`), recorded in the caller's
 * transaction and dispatched after its commit. Tenant events (a global module of the host) are
 * optional: without them nothing is recorded.
 */
@Injectable()
export class MessageEvents {
  constructor(@Optional() private readonly publisher?: TenantEventsPublisher) {}

  /** The delivery ids recorded for the event; dispatch them once the transaction has committed. */
  async publish(manager: EntityManager, scope: { tenantId: string; environment: Environment }, type: TenantEventType, data: Record<string, unknown>): Promise<string[]> {
    return this.publisher ? this.publisher.publish(manager, scope, type, data) : [];
  }

  /** Several events of one type in one statement: the delivery ids, to dispatch once the transaction has committed. */
  async publishMany(manager: EntityManager, type: TenantEventType, events: ReadonlyArray<{ scope: { tenantId: string; environment: Environment }; data: Record<string, unknown> }>): Promise<string[]> {
    return this.publisher ? this.publisher.publishMany(manager, type, events) : [];
  }

  async dispatch(deliveryIds: readonly string[]): Promise<void> {
    if (deliveryIds.length > 0) await this.publisher?.dispatch(deliveryIds);
  }
}
