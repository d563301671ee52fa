import type { JobsOptions } from 'bullmq';
import type { JobName, JobPayload } from './job-map';

/**
 * Attempts, backoff and retention for every job, in one place. Completed jobs are
 * kept briefly (dedupe by job id and debugging), failed ones long enough to inspect.
 */
const OPTIONS: { [N in JobName]: JobsOptions } = {
  'system.probe': {
    attempts: 1,
    removeOnComplete: { age: 300, count: 1000 },
    removeOnFail: { age: 3600 },
  },
  // A failed sync is retried soon; removed on completion so the next request for the same scope can run.
  'templates.sync': {
    attempts: 3,
    backoff: { type: 'exponential', delay: 30_000 },
    removeOnComplete: true,
    removeOnFail: { age: 3600, count: 100 },
  },
};

/** Job ids come from natural keys, so a re-enqueue of the same thing is a no-op in BullMQ. */
const JOB_IDS: { [N in JobName]: (payload: JobPayload<N>) => string } = {
  'system.probe': (payload) => `probe-${payload.probeId}`,
  // One pending sync per tenant environment; BullMQ ids cannot contain ':'.
  'templates.sync': (payload) => `templates-sync-${payload.tenantId}-${payload.environment}`,
};

export function jobOptionsFor<N extends JobName>(name: N, payload: JobPayload<N>): JobsOptions {
  return { ...OPTIONS[name], jobId: JOB_IDS[name](payload) };
}
