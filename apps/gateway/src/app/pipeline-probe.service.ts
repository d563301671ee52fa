import { randomUUID } from 'node:crypto';
import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { QueueEvents } from 'bullmq';
import {
  QUEUE_NAMES,
  QUEUE_PRODUCER,
  QUEUE_SETTINGS,
  queueRedisClient,
  type QueueProducer,
  type QueueSettings,
} from '@switchboard/queue';
import type { RedisClient } from '@switchboard/redis';
import { currentTraceparent } from '@switchboard/telemetry';

export type ProbeResult =
  | { status: 'ok'; probeId: string; worker: string; latencyMs: number }
  | { status: 'error'; probeId: string; reason: string };

/**
 * Answers "does a worker consume what this gateway produces?" end to end: a
 * system.probe job through the typed producer, completed by any worker.
 */
@Injectable()
export class PipelineProbeService implements OnModuleDestroy {
  private events?: QueueEvents;
  /** QueueEvents blocks on its connection: one of its own, which BullMQ leaves open for its owner. */
  private eventsConnection?: RedisClient;

  constructor(
    @Inject(QUEUE_PRODUCER) private readonly producer: QueueProducer,
    @Inject(QUEUE_SETTINGS) private readonly settings: QueueSettings,
  ) {}

  async run(timeoutMs = 5000): Promise<ProbeResult> {
    const probeId = randomUUID();
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    // Redis being away must not hang the request: one deadline covers connect,
    // enqueue and completion.
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no worker completed the probe within ${timeoutMs} ms`)), timeoutMs);
    });
    const roundTrip = async () => {
      const events = await this.queueEvents();
      const job = await this.producer.add('system.probe', {
        probeId,
        requestedAt: new Date().toISOString(),
        traceparent: currentTraceparent(),
      });
      return (await job.waitUntilFinished(events, timeoutMs)) as { worker: string };
    };
    try {
      const result = await Promise.race([roundTrip(), deadline]);
      return { status: 'ok', probeId, worker: result.worker, latencyMs: Math.round(performance.now() - started) };
    } catch (error) {
      return { status: 'error', probeId, reason: error instanceof Error ? error.message : String(error) };
    } finally {
      clearTimeout(timer);
    }
  }

  private async queueEvents(): Promise<QueueEvents> {
    if (!this.events) {
      this.eventsConnection = queueRedisClient(this.settings.redisUrl, 'switchboard-pipeline-probe');
      this.events = new QueueEvents(QUEUE_NAMES.system, {
        connection: this.eventsConnection,
        prefix: this.settings.prefix,
      });
      this.events.on('error', () => undefined);
    }
    await this.events.waitUntilReady();
    return this.events;
  }

  async onModuleDestroy(): Promise<void> {
    await this.events?.close();
    this.eventsConnection?.disconnect();
  }
}
