import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { ChannelRegistry } from '@switchboard/channel-contract';
import { SwitchboardError, type MessageError } from '@switchboard/error-taxonomy';
import { parseInput } from '@switchboard/platform';
import { QUEUE_PRODUCER, type QueueProducer } from '@switchboard/queue';
import { DataSource, type EntityManager } from 'typeorm';
import { z } from 'zod';
import { ChannelHosts } from '../channels/channel-hosts';
import type { ChannelScope } from '../channels/channel-host.port';
import { MessageJobs, type SendJobSource } from '../message-jobs.service';
import { CHANNEL_REGISTRY } from '../messaging.constants';
import { MessageEntity } from '../persistence/message.entity';
import { queuedChange } from '../status-feed/message-status-change';
import { MessageStatusFeed } from '../status-feed/message-status-feed';
import { MessageEvents } from '../status/message-events';
import { FallbackPolicies } from './fallback-policies';
import { startsOn, type FallbackStep, type FallbackTrigger, type RouteStep } from './fallback-step';

/** A message's route as accept resolved it, and when its first "not delivered within" deadline falls. */
export interface ResolvedRoute {
  readonly steps: RouteStep[];
  dueAt(start: Date): Date | null;
}

/** A message moved to its next channel: its send job, its next deadline if that step has one, and its `queued` event. */
export interface StartedFallback extends SendJobSource {
  readonly tenantId: string;
  readonly environment: MessageEntity['environment'];
  readonly channel: string;
  readonly at: Date;
  readonly fallbackDueAt: Date | null;
  /** The `message.status` tenant event of the new step, recorded with it: dispatched after the commit. */
  readonly deliveries: readonly string[];
}

/** The failures that say the channel cannot reach the recipient at all (not on WhatsApp, window closed, opted out). */
export function isUndeliverable(error: Pick<MessageError, 'category'>): boolean {
  return error.category === 'recipient' || error.category === 'window';
}

/** How long a deadline whose channel is still mid-call waits before it looks again. */
const IN_FLIGHT_RECHECK_MS = 2000;
/** How long a deadline waits while reports received before it are still being applied. */
const REPORTS_RECHECK_MS = 1000;

const withinMs = (step: RouteStep | undefined): number | null =>
  step && step.when.includes('not_delivered') && step.withinSeconds !== undefined ? step.withinSeconds * 1000 : null;

/**
 * Fallback across channels under one message id. Accept resolves the route (the request's
 * `fallback`, else the environment's policy) into checked steps stored with the message.
 * A trigger (a recipient-class send failure, a terminal `failed` status, a "not delivered
 * within" deadline) moves the message to the next step in one conditional statement: only
 * while the message is still on the step the trigger saw and was not delivered or read; a
 * deadline waits for the reports its channel received before it (WhatsApp's webhook inbox).
 * So a duplicated or replayed report never starts a second fallback, and a late
 * `delivered`/`read` of the first channel (which clears the deadline) cancels a pending one.
 * The timeline keeps every event with its channel and step.
 */
@Injectable()
export class MessageFallbacks {
  private readonly logger = new Logger(MessageFallbacks.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(CHANNEL_REGISTRY) private readonly channels: ChannelRegistry,
    @Inject(QUEUE_PRODUCER) private readonly producer: QueueProducer,
    private readonly hosts: ChannelHosts,
    private readonly policies: FallbackPolicies,
    private readonly jobs: MessageJobs,
    private readonly feed: MessageStatusFeed,
    private readonly events: MessageEvents,
  ) {}

  /**
   * The route of a new message: each step's sender, recipient and payload checked now, so a
   * bad fallback text is refused before 202. Steps of the environment's policy that cannot
   * apply (no sender of that channel) are left out with a warning; a request's own are refused.
   */
  async resolve(scope: ChannelScope, channel: string, recipient: string, requested: readonly FallbackStep[] | undefined): Promise<ResolvedRoute> {
    const fromRequest = requested !== undefined;
    const wanted = requested ?? (await this.policies.steps(scope));
    const steps: RouteStep[] = [];
    for (const [index, step] of wanted.entries()) {
      const path = `fallback.${index}`;
      try {
        if (step.channel === (steps.at(-1)?.channel ?? channel)) throw refusal(`${path}.channel`, 'falls back to the channel it follows');
        steps.push(await this.resolveStep(scope, step, recipient, path));
      } catch (error) {
        if (fromRequest || !SwitchboardError.isSwitchboardError(error)) throw error;
        this.logger.warn({ tenantId: scope.tenantId, environment: scope.environment, channel: step.channel, reason: error.details?.[0]?.issue ?? error.message }, 'a step of the fallback policy does not apply to this message; left out');
      }
    }
    const first = withinMs(steps[0]);
    return { steps, dueAt: (start) => (first === null ? null : new Date(start.getTime() + first)) };
  }

  private async resolveStep(scope: ChannelScope, step: FallbackStep, recipient: string, path: string): Promise<RouteStep> {
    if (!this.channels.has(step.channel)) throw refusal(`${path}.channel`, `one of ${this.channels.ids().join(', ')}`);
    const plugin = this.channels.get(step.channel);
    const sender = await this.hosts.get(step.channel).resolveSender(scope, step.from);
    if (!sender) throw refusal(`${path}.from`, step.from === undefined ? `this environment has no ${step.channel} sender` : `no ${step.channel} sender ${step.from.slice(0, 32)}`);
    const message = parseInput(z.object({ [path]: plugin.messageSchema }), { [path]: { to: `+${recipient}`, text: step.text } })[path] as { type?: string };
    const issues = await plugin.validate(message, { ...scope, now: () => new Date() });
    const [issue] = issues;
    if (issue) throw new SwitchboardError({ code: issue.code, message: 'The fallback would be refused by its channel', details: issues.map((each) => ({ path: `${path}.${each.path}`, issue: each.issue })) });
    return {
      channel: step.channel,
      when: step.when,
      ...(step.withinSeconds !== undefined ? { withinSeconds: step.withinSeconds } : {}),
      sender: sender.address,
      accountId: sender.accountId,
      to: plugin.normaliseRecipient ? plugin.normaliseRecipient(`+${recipient}`) : recipient,
      type: message.type ?? 'text',
      payload: { ...(plugin.toPayload(message) as Record<string, unknown>) },
    };
  }

  /** The "not delivered within" deadline of the message's current step, as a delayed job. */
  async scheduleDeadline(message: Pick<MessageEntity, 'id' | 'routeStep' | 'fallbackDueAt'>): Promise<void> {
    if (!message.fallbackDueAt) return;
    try {
      await this.producer.add('messages.fallback', { messageId: message.id, step: message.routeStep, dueAt: message.fallbackDueAt.toISOString() });
    } catch (error) {
      this.logger.warn({ messageId: message.id, reason: error instanceof Error ? error.message : String(error) }, 'fallback deadline not scheduled; the outbox sweep schedules it');
    }
  }

  /** A final failure the send worker recorded (in its transaction): the next step when the route takes this failure. */
  afterFailure(manager: EntityManager, message: MessageEntity, error: MessageError, at: Date): Promise<StartedFallback | null> {
    return this.advance(manager, message, isUndeliverable(error) ? 'undeliverable' : 'failed', { error }, at);
  }

  /** A terminal `failed` status the status machine applied (in its transaction). */
  onFailedStatus(manager: EntityManager, message: MessageEntity, error: MessageError): Promise<StartedFallback | null> {
    return this.advance(manager, message, isUndeliverable(error) ? 'undeliverable' : 'failed', { error }, new Date());
  }

  /**
   * A deadline job: falls back when the message is still on that step, undelivered, its
   * deadline passed and no call of its channel is in flight (that call's outcome decides
   * first: a wait of a few seconds is answered).
   */
  async fireDeadline(messageId: string, step: number): Promise<{ started: boolean; waitMs?: number }> {
    // Reports that reached the gateway before the deadline decide first, however long their processing takes.
    const waiting = await this.dataSource.manager.findOne(MessageEntity, { where: { id: messageId, routeStep: step } });
    if (waiting?.fallbackDueAt && waiting.fallbackDueAt.getTime() <= Date.now() && (await this.hosts.get(waiting.channel).reportsPendingSince(waiting.fallbackDueAt))) {
      return { started: false, waitMs: REPORTS_RECHECK_MS };
    }
    const result = await this.dataSource.transaction(async (manager): Promise<{ next: StartedFallback | null; waitMs?: number }> => {
      const message = await manager.findOne(MessageEntity, { where: { id: messageId, routeStep: step }, lock: { mode: 'pessimistic_write' } });
      if (!message || !message.fallbackDueAt || ['delivered', 'read'].includes(message.status)) return { next: null };
      const dueIn = message.fallbackDueAt.getTime() - Date.now();
      if (dueIn > 0) return { next: null, waitMs: dueIn };
      if (message.status === 'sending' && message.attemptStartedAt !== null) return { next: null, waitMs: IN_FLIGHT_RECHECK_MS };
      return { next: await this.advance(manager, message, 'not_delivered', { withinSeconds: withinMs(message.route?.[0]) }, new Date()) };
    });
    if (result.next) await this.started(result.next);
    return { started: result.next !== null, ...(result.waitMs !== undefined ? { waitMs: result.waitMs } : {}) };
  }

  /** After the transaction that moved it has committed: the new step's send job and deadline, and the live feed. */
  async started(next: StartedFallback): Promise<void> {
    await this.feed.publish([queuedChange(next, next.at)]);
    await this.events.dispatch(next.deliveries);
    await this.jobs.enqueueCommitted(next);
    await this.scheduleDeadline(next);
  }

  /**
   * The one statement that moves a message to its next step: the row takes the step's channel,
   * sender, recipient and payload, back to `queued` with a fresh attempt budget, and the
   * timeline gets a `queued` event of the new channel naming what started it. Nothing happens
   * when the message moved on meanwhile (another trigger, a delivery) or the step does not
   * take this trigger.
   */
  private async advance(manager: EntityManager, message: MessageEntity, trigger: FallbackTrigger, cause: Record<string, unknown>, at: Date): Promise<StartedFallback | null> {
    const [next, ...rest] = message.route ?? [];
    if (!next || !startsOn(next, trigger)) return null;
    // The deadline that now runs is the next step's own "not delivered within" (before the step after it).
    const followingDue = withinMs(rest[0]);
    const fallbackDueAt = followingDue === null ? null : new Date(at.getTime() + followingDue);
    const moved: unknown[] = await manager.query(
      `WITH moved AS (
         UPDATE messages SET channel = $3, sender = $4, account_id = $5, recipient = $6, type = $7, payload = $8::jsonb,
                route_step = route_step + 1, route = $9::jsonb, status = 'queued', provider_message_id = NULL, attempts = 0,
                error = NULL, attempt_started_at = NULL, fallback_due_at = $10, scheduled_at = NULL, updated_at = $11
          WHERE id = $1 AND route_step = $2 AND status NOT IN ('delivered', 'read')
         RETURNING id, tenant_id, environment, route_step, channel)
       INSERT INTO message_events (message_id, tenant_id, environment, status, at, channel, route_step, detail)
       SELECT id, tenant_id, environment, 'queued', $11, channel, route_step, $12::jsonb FROM moved
       RETURNING message_id`,
      [
        message.id,
        message.routeStep,
        next.channel,
        next.sender,
        next.accountId,
        next.to,
        next.type,
        JSON.stringify(next.payload),
        rest.length > 0 ? JSON.stringify(rest) : null,
        fallbackDueAt,
        at,
        JSON.stringify({ fallback: { from: message.channel, trigger, ...cause } }),
      ],
    );
    if (moved.length === 0) return null;
    this.logger.log({ messageId: message.id, from: message.channel, to: next.channel, trigger }, 'message falls back to its next channel');
    const deliveries = await this.events.publish(manager, message, 'message.status', {
      messageId: message.id,
      channel: next.channel,
      attempt: message.routeStep + 2,
      status: 'queued',
      messageStatus: 'queued',
      applied: true,
      at: at.toISOString(),
      fallback: { from: message.channel, trigger },
    });
    return {
      id: message.id,
      tenantId: message.tenantId,
      environment: message.environment,
      channel: next.channel,
      at,
      retries: message.retries,
      scheduledAt: null,
      routeStep: message.routeStep + 1,
      fallbackDueAt,
      deliveries,
    };
  }
}

function refusal(path: string, issue: string): SwitchboardError {
  return new SwitchboardError({ code: 'validation_failed', message: 'The request is not valid', details: [{ path, issue }] });
}
