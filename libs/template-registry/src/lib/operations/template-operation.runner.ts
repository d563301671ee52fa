import { Injectable, Logger } from '@nestjs/common';
import { SwitchboardError } from '@switchboard/error-taxonomy';
import { jobSettingsFor } from '@switchboard/queue';
import { TemplateOperationStore, type TemplateOperationFailure } from '../persistence/template-operation.store';
import { inScope } from '../template-scope';
import { TemplateOperationExecutor } from './template-operation.executor';
import { TemplateOperationJobs } from './template-operation.jobs';

/** Graph attempts per operation; the row counts them, so a re-added job does not start over. */
export const TEMPLATE_OPERATION_MAX_ATTEMPTS = jobSettingsFor('templates.operation').attempts ?? 1;

/** An operation untouched this long while unfinished has lost its job (or its worker) and is re-driven. */
export const TEMPLATE_OPERATION_STALE_MS = 5 * 60 * 1000;
/** Finished operations are kept this long for clients to read, then deleted by the sweep. */
export const TEMPLATE_OPERATION_RETENTION_MS = 30 * 24 * 3600 * 1000;
const SWEEP_BATCH = 500;

function failureOf(error: unknown): TemplateOperationFailure {
  if (SwitchboardError.isSwitchboardError(error)) {
    return { code: error.code, message: error.message, meta: error.meta ? { code: error.meta.code, title: error.meta.title } : null };
  }
  // Not Graph's refusal but our own fault: its text may name internals, so it is only logged.
  return { code: 'internal_error', message: 'The operation could not be carried out', meta: null };
}

/**
 * The worker side of template operations: one attempt per job, the outcome written to
 * the operation. Graph refusals end it `failed` with their taxonomy code; retryable
 * failures (5xx, timeouts, throttling, our own database) run again until the last attempt.
 */
@Injectable()
export class TemplateOperationRunner {
  private readonly logger = new Logger(TemplateOperationRunner.name);

  constructor(
    private readonly operations: TemplateOperationStore,
    private readonly executor: TemplateOperationExecutor,
    private readonly jobs: TemplateOperationJobs,
  ) {}

  /** Throws only to have the job retried; a final outcome is written to the row instead. */
  async run(operationId: string): Promise<void> {
    const found = await this.operations.findForRun(operationId);
    // The tenant was deleted with its operations.
    if (!found) return;
    await inScope({ tenantId: found.tenantId, environment: found.environment }, async () => {
      const operation = await this.operations.start(operationId);
      // Already finished: a repeated job changes nothing.
      if (!operation) return;
      try {
        await this.operations.succeed(operation.id, await this.executor.execute(operation));
      } catch (error) {
        const retryable = SwitchboardError.isSwitchboardError(error) ? error.retryable : true;
        const log = { operationId, kind: operation.kind, attempt: operation.attempts, code: SwitchboardError.isSwitchboardError(error) ? error.code : 'internal_error' };
        if (retryable && operation.attempts < TEMPLATE_OPERATION_MAX_ATTEMPTS) {
          this.logger.warn(log, 'template operation attempt failed; it runs again');
          await this.operations.requeue(operation.id);
          throw error;
        }
        this.logger.warn(SwitchboardError.isSwitchboardError(error) ? log : { ...log, err: error }, 'template operation failed');
        await this.operations.fail(operation.id, failureOf(error));
      }
    });
  }

  /**
   * Gives every unfinished operation untouched for a while a job that will run, and
   * forgets operations finished longer ago than the retention.
   */
  async sweep(now = new Date()): Promise<{ readded: number; pruned: number }> {
    const stale = await this.operations.unfinishedBefore(new Date(now.getTime() - TEMPLATE_OPERATION_STALE_MS), SWEEP_BATCH);
    let readded = 0;
    for (const operation of stale) {
      if (await this.jobs.ensure(operation.id)) readded += 1;
    }
    if (readded > 0) this.logger.warn({ readded }, 'template operations without a live job were enqueued again');
    const pruned = await this.operations.deleteFinishedBefore(new Date(now.getTime() - TEMPLATE_OPERATION_RETENTION_MS));
    return { readded, pruned };
  }
}
