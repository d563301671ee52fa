import { Inject, Injectable, Logger } from '@nestjs/common';
import { SwitchboardError } from '@switchboard/error-taxonomy';
import { TemplateOperationStore, type NewTemplateOperation } from '../persistence/template-operation.store';
import type { TemplateOperationEntity } from '../persistence/template-operation.entity';
import { notFound } from '../template-errors';
import { TEMPLATE_REGISTRY_SETTINGS, type TemplateRegistrySettings } from '../template-registry.constants';
import { TemplateOperationJobs } from './template-operation.jobs';
import { templateOperationView, type TemplateOperationView } from './template-operation.view';

const OPERATION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The request side of template operations: store the operation, enqueue its job,
 * answer with it. Graph is never called here. Runs inside an authenticated request
 * (the scope is the request's).
 */
@Injectable()
export class TemplateOperationsService {
  private readonly logger = new Logger(TemplateOperationsService.name);

  constructor(
    private readonly operations: TemplateOperationStore,
    private readonly jobs: TemplateOperationJobs,
    @Inject(TEMPLATE_REGISTRY_SETTINGS) private readonly settings: TemplateRegistrySettings,
  ) {}

  /** A sync of every WABA; while one is queued or running, that one is the answer. */
  async requestSync(): Promise<TemplateOperationView> {
    const { operation, created } = await this.operations.insertSyncUnlessActive();
    if (created) await this.enqueue(operation);
    return templateOperationView(operation);
  }

  /** A create or delete, within the environment's cap of unfinished ones. */
  async request(operation: NewTemplateOperation & { kind: 'create' | 'delete' }): Promise<TemplateOperationView> {
    const pending = await this.operations.countUnfinished(['create', 'delete']);
    if (pending >= this.settings.maxPendingOperations) {
      throw new SwitchboardError({
        code: 'rate_limited',
        message: `This environment already has ${pending} template creations or deletions waiting for Meta; try again when some have finished`,
        retryAfterMs: 10_000,
      });
    }
    const stored = await this.operations.insert(operation);
    await this.enqueue(stored);
    return templateOperationView(stored);
  }

  async get(id: string): Promise<TemplateOperationView> {
    const row = OPERATION_ID.test(id) ? await this.operations.findOne(id) : null;
    if (!row) throw notFound(`No template operation ${id.slice(0, 64)}`);
    return templateOperationView(row);
  }

  /**
   * The row is stored first and is the truth: when Redis refuses the job, the answer is
   * still the operation, and the sweep gives it a job later.
   */
  private async enqueue(operation: TemplateOperationEntity): Promise<void> {
    try {
      await this.jobs.add(operation.id);
    } catch (error) {
      this.logger.warn({ operationId: operation.id, reason: error instanceof Error ? error.message : String(error) }, 'template operation stored without its job; the sweep enqueues it');
    }
  }
}
