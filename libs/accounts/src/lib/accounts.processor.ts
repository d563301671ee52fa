import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { parseJobPayload, QUEUE_NAMES, QUEUE_PRODUCER, type QueueProducer } from '@switchboard/queue';
import type { Job } from 'bullmq';
import { TokenLifecycleService } from './token-lifecycle.service';
import { WabaProbeService } from './waba-probe.service';

/**
 * Worker side of the accounts lib: the daily token check and the 5-minute Graph
 * probe (periodic through SCHEDULES), each also run once at start.
 */
@Processor(QUEUE_NAMES.accounts)
export class AccountsProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(AccountsProcessor.name);

  constructor(
    private readonly tokens: TokenLifecycleService,
    private readonly probes: WabaProbeService,
    @Inject(QUEUE_PRODUCER) private readonly producer: QueueProducer,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    // Not awaited: with Redis away these calls wait for it, and the worker must still
    // come up and report redis down on /health/ready.
    void this.runAtStart();
  }

  private async runAtStart(): Promise<void> {
    try {
      await this.producer.add('accounts.token-check', { trigger: 'start' });
      await this.producer.add('accounts.probe', { trigger: 'start' });
    } catch (error) {
      this.logger.warn({ reason: error instanceof Error ? error.message : String(error) }, 'could not enqueue the start-up account jobs');
    }
  }

  async process(job: Job): Promise<unknown> {
    switch (job.name) {
      case 'accounts.token-check':
        parseJobPayload('accounts.token-check', job.data);
        return this.tokens.checkAll();
      case 'accounts.probe':
        parseJobPayload('accounts.probe', job.data);
        return this.probes.probeAll();
      default:
        throw new Error(`accounts queue has no job named ${job.name}`);
    }
  }
}
