import { Processor, WorkerHost } from '@nestjs/bullmq';
import { parseJobPayload, QUEUE_NAMES } from '@switchboard/queue';
import type { Job } from 'bullmq';
import { AlertChecks } from './alert-checks.service';

/** Worker side of alerts: the periodic checks (SCHEDULES, every minute, once across workers). */
@Processor(QUEUE_NAMES.alerts)
export class AlertsProcessor extends WorkerHost {
  constructor(private readonly checks: AlertChecks) {
    super();
  }

  async process(job: Job): Promise<unknown> {
    switch (job.name) {
      case 'alerts.check':
        parseJobPayload('alerts.check', job.data);
        return this.checks.run();
      default:
        throw new Error(`alerts queue has no job named ${job.name}`);
    }
  }
}
