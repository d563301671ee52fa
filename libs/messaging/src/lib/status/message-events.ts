import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { TenantEventsPublisher, type TenantEventType } from '@switchboard/tenant-events';
import type { Environment } from '@switchboard/tenancy';
import type { EntityManager } from 'typeorm';

/**
 * The tenant events of the message pipeline (`message.status`), recorded in the caller's
 * transaction and dispatched after its commit. Tenant events are a sibling module of the host
 * and optional: without it nothing is recorded.
 */
@Injectable()
export class MessageEvents implements OnModuleInit {
  private publisher: TenantEventsPublisher | undefined;

  constructor(private readonly moduleRef: ModuleRef) {}

  onModuleInit(): void {
    try {
      this.publisher = this.moduleRef.get(TenantEventsPublisher, { strict: false });
    } catch {
      this.publisher = undefined;
    }
  }

  /** The delivery ids recorded for the event; dispatch them once the transaction has committed. */
  async publish(manager: EntityManager, scope: { tenantId: string; environment: Environment }, type: TenantEventType, data: Record<string, unknown>): Promise<string[]> {
    return this.publisher ? this.publisher.publish(manager, scope, type, data) : [];
  }

  async dispatch(deliveryIds: readonly string[]): Promise<void> {
    if (deliveryIds.length > 0) await this.publisher?.dispatch(deliveryIds);
  }
}
