import { Inject, Injectable } from '@nestjs/common';
import { JOBS, QUEUE_PRODUCER, type JobPayload, type QueueProducer } from '@switchboard/queue';
import { TemplateStore } from '../persistence/template.store';
import { TEMPLATE_REGISTRY_SETTINGS, type TemplateRegistrySettings } from '../template-registry.constants';
import type { TemplateScope } from '../waba-access.port';

export const TEMPLATE_SYNC_JOB = 'templates.sync' as const;

/**
 * The periodic sync of each tenant environment. It is a BullMQ job scheduler whose
 * id is the scope: however many gateways and workers upsert it, Redis holds one
 * scheduler per scope and each interval produces one job, run by one worker.
 */
@Injectable()
export class TemplateSyncScheduler {
  constructor(
    @Inject(QUEUE_PRODUCER) private readonly producer: QueueProducer,
    @Inject(TEMPLATE_REGISTRY_SETTINGS) private readonly settings: TemplateRegistrySettings,
    private readonly store: TemplateStore,
  ) {}

  /** The scheduler id, and the dedupe key: one per tenant environment (BullMQ ids cannot contain ':'). */
  static schedulerId(scope: TemplateScope): string {
    return `templates-sync-${scope.tenantId}-${scope.environment}`;
  }

  private queue() {
    return this.producer.queue(JOBS[TEMPLATE_SYNC_JOB].queue);
  }

  private payload(scope: TemplateScope): JobPayload<typeof TEMPLATE_SYNC_JOB> {
    return JOBS[TEMPLATE_SYNC_JOB].payload.parse({ tenantId: scope.tenantId, environment: scope.environment });
  }

  /** Creates or refreshes the scope's scheduler; the first run is due at once. Idempotent. */
  async ensure(scope: TemplateScope, everyMs = this.settings.syncEveryMs): Promise<void> {
    await this.producer.schedule(TemplateSyncScheduler.schedulerId(scope), TEMPLATE_SYNC_JOB, everyMs, this.payload(scope));
  }

  async ensureAll(scopes: readonly TemplateScope[]): Promise<void> {
    for (const scope of scopes) await this.ensure(scope);
  }

  /**
   * Schedules every tenant environment the registry holds templates for (a worker
   * does this at start, so schedules survive a Redis flush). Re-upserting an existing
   * scheduler keeps its timing, so restarts do not trigger extra syncs.
   */
  async ensureKnownScopes(): Promise<number> {
    const scopes = await this.store.knownScopes();
    await this.ensureAll(scopes);
    return scopes.length;
  }

  /** Stops the periodic sync of a scope (its last WABA is gone). */
  async remove(scope: TemplateScope): Promise<boolean> {
    return this.queue().removeJobScheduler(TemplateSyncScheduler.schedulerId(scope));
  }

  /** One sync as soon as a worker is free; a request while one is pending is a no-op. */
  async requestSync(scope: TemplateScope): Promise<void> {
    await this.producer.add(TEMPLATE_SYNC_JOB, this.payload(scope));
  }
}
