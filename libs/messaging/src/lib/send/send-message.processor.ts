import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { trace } from '@opentelemetry/api';
import { processInConsumerSpan, QUEUE_NAMES } from '@switchboard/queue';
import { DelayedError, type Job } from 'bullmq';
import { MessageFallbacks } from '../fallback/message-fallbacks';
import { MESSAGING_SETTINGS, type MessagingSettings } from '../messaging.constants';
import { MessageSender, type SendStep } from './message-sender.service';

/**
 * The `messages` queue. Thin: each job runs in a consumer span with the messaging semantic
 * conventions (a send's continues the accept request's trace); a send asks the sender for one
 * step and turns "wait N ms" into a delayed job that keeps its attempts (the vendor's answers
 * are the taxonomy's to retry); a fallback deadline asks the fallbacks. A step that throws
 * fails the job run, and BullMQ retries it with backoff (`jobOptionsFor('messages.send')`);
 * once those attempts are spent, the outbox sweep re-drives the row.
 */
@Processor(QUEUE_NAMES.messages)
export class SendMessageProcessor extends WorkerHost implements OnApplicationBootstrap, OnModuleDestroy {
  constructor(
    private readonly sender: MessageSender,
    private readonly fallbacks: MessageFallbacks,
    @Inject(MESSAGING_SETTINGS) private readonly settings: MessagingSettings,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    // Sends wait on Graph, not on the CPU: many in flight per worker.
    this.worker.concurrency = this.settings.send.concurrency;
  }

  /**
   * Stop taking sends and let the in-flight ones finish first, while the database and the Graph
   * pools are still open: Nest would otherwise close the worker in the same shutdown phase as
   * the connections its last jobs need, and a send Meta accepted would stay `sending`.
   */
  async onModuleDestroy(): Promise<void> {
    await this.worker.close();
  }

  async process(job: Job, token?: string): Promise<SendStep | { started: boolean }> {
    if (job.name === 'messages.fallback') {
      const outcome = await processInConsumerSpan('messages.fallback', job, ({ messageId, step }) => this.fallbacks.fireDeadline(messageId, step));
      if (outcome.waitMs !== undefined) return this.delay(job, outcome.waitMs, token);
      return { started: outcome.started };
    }
    if (job.name !== 'messages.send') throw new Error(`messages queue has no job named ${job.name}`);
    // The consumer span continues the accept request's trace (the payload's traceparent).
    const step = await processInConsumerSpan('messages.send', job, async (payload) => {
      const result = await this.sender.send(payload);
      trace.getActiveSpan()?.setAttribute('switchboard.send_step', result.kind === 'done' ? result.outcome : `delay:${result.reason}`);
      return result;
    });
    if (step.kind === 'delay') return this.delay(job, step.delayMs, token);
    return step;
  }

  private async delay(job: Job, delayMs: number, token: string | undefined): Promise<never> {
    await job.moveToDelayed(Date.now() + delayMs, token);
    throw new DelayedError();
  }
}
