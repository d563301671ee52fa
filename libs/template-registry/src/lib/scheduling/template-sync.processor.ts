import { Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { parseJobPayload, QUEUE_NAMES } from '@switchboard/queue';
import type { Job } from 'bullmq';
import { TemplateOperationRunner } from '../operations/template-operation.runner';
import { TemplateSyncService, type ScopeSyncResult } from '../sync/template-sync.service';
import { TemplateSyncScheduler } from './template-sync.scheduler';

/**
 * Runs the templates queue: `templates.sync` jobs (scheduled or requested), template
 * operations (sync, create, delete requested through the API) and their sweep. At start
 * it puts every scope the registry knows on the schedule. Register it in the worker
 * only: a process that lists it consumes the templates queue.
 */
@Processor(QUEUE_NAMES.templates)
export class TemplateSyncProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(TemplateSyncProcessor.name);

  constructor(
    private readonly sync: TemplateSyncService,
    private readonly scheduler: TemplateSyncScheduler,
    private readonly operations: TemplateOperationRunner,
  ) {
    super();
  }

  async onApplicationBootstrap(): Promise<void> {
    try {
      const scopes = await this.scheduler.ensureKnownScopes();
      this.logger.log({ scopes }, 'template sync scheduled for every known tenant environment');
    } catch (error) {
      // Postgres or Redis away at start: the worker still starts; schedules made by
      // syncs, creations and WABA registrations keep working.
      this.logger.warn({ err: error }, 'could not schedule the template syncs of known scopes');
    }
  }

  async process(job: Job): Promise<ScopeSyncResult | { readded: number; pruned: number } | null> {
    switch (job.name) {
      case 'templates.sync': {
        const scope = parseJobPayload('templates.sync', job.data);
        const result = await this.sync.syncScope(scope);
        if (result.wabas.length === 0 && job.repeatJobKey !== undefined) {
          // The scope has no WABA any more; whoever registers one schedules it again.
          await this.scheduler.remove(scope);
          this.logger.log({ tenantId: scope.tenantId, environment: scope.environment }, 'no WABAs left: template sync schedule removed');
        }
        const failed = result.wabas.filter((waba) => waba.error !== undefined);
        if (failed.length > 0) {
          throw new Error(`template sync failed for WABA(s) ${failed.map((waba) => `${waba.wabaId} (${waba.error?.code ?? '?'})`).join(', ')}`);
        }
        return result;
      }
      case 'templates.operation':
        await this.operations.run(parseJobPayload('templates.operation', job.data).operationId);
        return null;
      case 'templates.operations-sweep':
        parseJobPayload('templates.operations-sweep', job.data);
        return this.operations.sweep();
      default:
        throw new Error(`templates queue has no job named ${job.name}`);
    }
  }
}
