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
};

/** Job ids come from natural keys, so a re-enqueue of the same thing is a no-op in BullMQ. */
const JOB_IDS: { [N in JobName]: (payload: JobPayload<N>) => string } = {
  'system.probe': (payload) => `probe-${payload.probeId}`,
};

export function jobOptionsFor<N extends JobName>(name: N, payload: JobPayload<N>): JobsOptions {
  return { ...OPTIONS[name], jobId: JOB_IDS[name](payload) };
}
