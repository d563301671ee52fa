import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { trace } from '@opentelemetry/api';
import type { ChannelRegistry } from '@switchboard/channel-contract';
import { SwitchboardError, classify, classifyMetaCode, messageErrorOf, type MessageError } from '@switchboard/error-taxonomy';
import { CircuitBreaker, SendLimiter, type CircuitGate, type SendGrant } from '@switchboard/rate-limiting';
import { currentTraceparent } from '@switchboard/telemetry';
import { DataSource, MoreThan, Raw, Repository } from 'typeorm';
import { ChannelHosts } from '../channels/channel-hosts';
import type { ChannelHost, ChannelPermit, SendConfig } from '../channels/channel-host.port';
import { channelLoggerOf } from '../channels/channel-logger';
import { SendTimeChecks } from '../checks/send-time-checks';
import { MessageFallbacks } from '../fallback/message-fallbacks';
import { MessageJobs } from '../message-jobs.service';
import { CHANNEL_REGISTRY, MESSAGING_SETTINGS, type MessagingSettings } from '../messaging.constants';
import { MessageEntity } from '../persistence/message.entity';
import type { MessageStatus } from '../persistence/message-status';
import { MessageStatusService } from '../status/message-status.service';
import { MessageStatusFeed } from '../status-feed/message-status-feed';
import { optOutReason } from '../status/opt-out';
import { SuppressionsService } from '../suppressions.service';
import { decideAfterFailure, withJitter } from './send-decision';
import { MessageTransitions, type Claimed } from './message-transitions';
import { SendMetrics } from './send.metrics';
import { SEND_CIRCUIT_BREAKER } from './send.constants';

/** A step past every gate: the send's config and its permit. */
interface Cleared {
  sendConfig: SendConfig;
  permit: SendGrant;
}

/** What the processor does with the job after one step. */
export type SendStep =
  | { readonly kind: 'done'; readonly outcome: 'sent' | 'failed' | 'dead' | 'skipped' }
  | { readonly kind: 'delay'; readonly delayMs: number; readonly reason: string };

// Permanent recipient failures to one contact (30 days) after which it is suppressed.
const RECIPIENT_FAILURES_BEFORE_SUPPRESSION = 3;
const RECIPIENT_FAILURE_WINDOW_MS = 30 * 24 * 3600 * 1000;
// A message that waited longer than this (schedule, retry, backlog, pause) is checked again before it goes.
const RECHECK_AFTER_MS = 60_000;
// Slots a step takes when each one's send woke too late for it; then the job waits its turn again.
const SLOTS_PER_STEP = 3;

/** An error without a taxonomy classification (a refusal), in the stored shape; Meta's side when it maps to a code. */
function refusalError(refusal: SwitchboardError): MessageError {
  const classification = refusal.classification ?? (refusal.meta ? classifyMetaCode(refusal.meta.code) : undefined);
  if (classification) return { ...messageErrorOf(classification), code: refusal.code, message: refusal.message };
  return { code: refusal.code, message: refusal.message, category: 'parameter', retryable: false, action: refusal.details?.[0]?.issue ?? 'Correct the message and send it again.' };
}

/** The circuit a message's sends pass: its channel account's (a WABA, a connection), else its sender's. */
function circuitOf(breaker: CircuitBreaker, message: MessageEntity): CircuitGate {
  const account = message.accountId ?? message.sender;
  return breaker.gate(`${message.channel}:${account}`, account);
}

/** A plugin's failure as the taxonomy's error: thrown as one, or classified by the plugin. */
function toError(error: unknown, classifyError: (error: unknown) => ReturnType<typeof classify>): SwitchboardError {
  if (SwitchboardError.isSwitchboardError(error)) return error;
  try {
    return SwitchboardError.fromClassification(classifyError(error));
  } catch {
    return SwitchboardError.fromClassification(classify({ type: 'transport', reason: 'invalid_response', detail: 'plugin_threw' }));
  }
}

/**
 * One step of one message's send, for any channel: every gate (state, reconciliation, the
 * account's pause, recipient checks, circuit, the vendor's limits) either lets the call
 * through or answers how long to wait; then exactly one call to the message's channel
 * plugin, and the outcome recorded as the taxonomy decides. What only a channel knows
 * comes from its ChannelHost.
 */
@Injectable()
export class MessageSender {
  private readonly logger = new Logger(MessageSender.name);
  private readonly transitions: MessageTransitions;
  private readonly channelLogger = channelLoggerOf(this.logger);

  constructor(
    @InjectRepository(MessageEntity) private readonly messages: Repository<MessageEntity>,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(MESSAGING_SETTINGS) private readonly settings: MessagingSettings,
    @Inject(CHANNEL_REGISTRY) private readonly channels: ChannelRegistry,
    @Inject(SEND_CIRCUIT_BREAKER) private readonly circuit: CircuitBreaker,
    private readonly hosts: ChannelHosts,
    private readonly checks: SendTimeChecks,
    private readonly statuses: MessageStatusService,
    private readonly suppressions: SuppressionsService,
    private readonly fallbacks: MessageFallbacks,
    private readonly jobs: MessageJobs,
    private readonly metrics: SendMetrics,
    private readonly limiter: SendLimiter,
    feed: MessageStatusFeed,
  ) {
    this.transitions = new MessageTransitions(dataSource, feed);
  }

  /**
   * One step. A step that throws (the database, Redis or the limiter's connection away) leaves
   * the row as the last completed statement wrote it and the job is retried with backoff (the
   * queue's job options); an attempt mark taken for a call that never left is given back first.
   */
  async send(job: { messageId: string; retry?: number; step?: number }, now: () => Date = () => new Date()): Promise<SendStep> {
    const { messageId } = job;
    try {
      return await this.step(messageId, job.retry ?? 0, job.step ?? 0, now);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.metrics.outcomes.inc({ outcome: 'error', reason: error instanceof Error ? error.name : 'unknown' });
      this.logger.warn({ messageId, reason }, 'send step failed unexpectedly; the job is retried with backoff');
      throw error;
    }
  }

  private async step(messageId: string, retry: number, routeStep: number, now: () => Date): Promise<SendStep> {
    const started = now();
    const claim = await this.claim(messageId, retry, routeStep, started, now);
    if ('kind' in claim) return claim;
    const { message, previousStatus } = claim;
    trace.getActiveSpan()?.setAttributes({
      'switchboard.tenant_id': message.tenantId,
      'switchboard.environment': message.environment,
      'switchboard.message_id': message.id,
      'switchboard.channel': message.channel,
    });
    const host = this.hosts.get(message.channel);
    const plugin = this.channels.get(message.channel);
    const prepared = { id: message.id, from: message.sender, to: message.to, payload: message.payload };
    // The plugin's own round trips come before the slot is taken: a slot held across them would leave late.
    try {
      await plugin.prepare?.(prepared);
    } catch (thrown) {
      return this.onFailure(message, toError(thrown, plugin.classifyError.bind(plugin)), now());
    }
    const circuit = circuitOf(this.circuit, message);
    let gate: SendStep | Cleared;
    try {
      gate = await this.gates(message, host, circuit, now);
    } catch (error) {
      await this.releaseUnsent(message.id, started, previousStatus);
      throw error;
    }
    if ('kind' in gate) {
      // A step that waits gives the claim back: the row reads as before it.
      if (gate.kind === 'delay') await this.transitions.release(message.id, started, previousStatus);
      return gate;
    }
    const { sendConfig, permit } = gate;

    const traceparent = currentTraceparent();
    const callStarted = now();
    let result;
    try {
      result = await plugin.send(
        prepared,
        {
          tenantId: message.tenantId,
          environment: message.environment,
          config: sendConfig.config,
          logger: this.channelLogger,
          now,
          ...(traceparent ? { traceparent } : {}),
          ...(sendConfig.statusCallbackUrl ? { statusCallbackUrl: sendConfig.statusCallbackUrl } : {}),
        },
      );
    } catch (thrown) {
      this.metrics.sendDuration.observe({ outcome: 'error' }, (now().getTime() - callStarted.getTime()) / 1000);
      return this.onFailure(message, toError(thrown, plugin.classifyError.bind(plugin)), now());
    }
    this.metrics.sendDuration.observe({ outcome: 'sent' }, (now().getTime() - callStarted.getTime()) / 1000);
    // The provider id first: once it is stored, a throw below only costs a retried job that finds the row sent.
    const recorded = await this.transitions.sent(message.id, now(), {
      providerMessageId: result.providerMessageId,
      providerStatus: result.providerStatus,
      sendTraceparent: traceparent ?? null,
    });
    if (permit.circuit !== 'closed') await this.circuit.recordSuccess(circuit);
    await host.recordAccepted(message, result.usage);
    // A status report may have come before the provider id was stored: it waits in the pending table.
    if (recorded.pendingStatuses) await this.statuses.applyPendingStatuses(message.id, result.providerMessageId);
    return this.count({ kind: 'done', outcome: 'sent' });
  }

  /**
   * Every gate between the claim and the call, in order: the account's pause (one read of it,
   * which also gives the send's config), the recheck of a message that waited, then the
   * permit: the circuit and the vendor's limits in one Redis call, taken last, right before
   * the call (a permit that waits on the database arrives at the vendor later than granted).
   */
  private async gates(message: MessageEntity, host: ChannelHost, circuit: CircuitGate, now: () => Date): Promise<SendStep | Cleared> {
    const sendConfig = await host.sendConfig(message);
    if (!sendConfig) return this.count({ kind: 'delay', delayMs: this.settings.send.pauseRecheckMs, reason: 'account_paused' });
    if (now().getTime() - (message.scheduledAt ?? message.createdAt).getTime() > RECHECK_AFTER_MS) {
      const refusal = await this.checks.check(message);
      if (refusal) return this.fail(message, refusal, now(), false);
    }
    const permit = await this.permit(host, message, await host.businessInitiated(message), circuit);
    if (!permit.ok) {
      const delayMs = permit.reason === 'circuit_open' ? withJitter(permit.waitMs) : permit.waitMs;
      return this.count({ kind: 'delay', delayMs, reason: permit.reason });
    }
    return { sendConfig, permit };
  }

  /**
   * A permit whose send leaves on time. A send leaves at its slot, not before (early would undo
   * the number's spacing), and not after the slot's margin: a send that woke later could reach
   * the vendor closer to the next sends than their spacing allows (Meta's 130429), so it gives
   * the slot up and takes the next one.
   */
  private async permit(host: ChannelHost, message: MessageEntity, businessInitiated: boolean, circuit: CircuitGate): Promise<ChannelPermit> {
    for (let slots = 1; ; slots += 1) {
      const permit = await host.acquire(message, businessInitiated, circuit);
      if (!permit.ok) return permit;
      if (permit.holdMs > 0) await sleep(permit.holdMs);
      if (this.limiter.depart(permit)) return permit;
      if (slots === SLOTS_PER_STEP) return { ok: false, waitMs: 0, reason: 'late_for_slot' };
    }
  }

  /**
   * The message claimed for this step in one statement, or the step's answer when the row is
   * not this job's to send: gone or past sending, superseded by a retry or a fallback (a job
   * from before must not send beside the new one), or an earlier call whose outcome is unknown
   * (timeout or crash) whose status report, matched by our message id, may still come: it is
   * sent again only once the reconcile window has passed.
   */
  private async claim(messageId: string, retry: number, routeStep: number, started: Date, now: () => Date): Promise<Claimed | SendStep> {
    const claimed = await this.transitions.claim(messageId, { retry, routeStep, attemptStartedAt: null }, started);
    if (claimed) return claimed;
    const message = await this.messages.findOneBy({ id: messageId });
    if (!message || !['queued', 'sending'].includes(message.status) || message.providerMessageId !== null) {
      return this.count({ kind: 'done', outcome: 'skipped' }, message ? message.status : 'missing');
    }
    if (message.retries !== retry || message.routeStep !== routeStep) return this.count({ kind: 'done', outcome: 'skipped' }, 'superseded');
    if (message.attemptStartedAt !== null) {
      const waitMs = message.attemptStartedAt.getTime() + this.settings.send.reconcileWindowMs - now().getTime();
      if (waitMs > 0) return this.count({ kind: 'delay', delayMs: waitMs, reason: 'reconcile' });
      this.logger.warn({ messageId, attempts: message.attempts }, 'no status arrived for an attempt with an unknown outcome; sending again');
    }
    const again = await this.transitions.claim(messageId, { retry, routeStep, attemptStartedAt: message.attemptStartedAt }, started);
    return again ?? this.count({ kind: 'done', outcome: 'skipped' }, 'moved_on');
  }

  /**
   * The call never left: the attempt mark goes, so the retried job does not wait out a reconcile
   * window for nothing. When even that statement fails the mark stays, which only delays the resend.
   */
  private async releaseUnsent(id: string, startedAt: Date, status: MessageStatus): Promise<void> {
    try {
      await this.transitions.release(id, startedAt, status);
    } catch (error) {
      this.logger.warn({ messageId: id, reason: error instanceof Error ? error.message : String(error) }, 'could not release the attempt of an unsent step');
    }
  }

  private async onFailure(message: MessageEntity, error: SwitchboardError, at: Date): Promise<SendStep> {
    const metaCode = error.meta?.code;
    trace.getActiveSpan()?.setAttributes({ 'switchboard.error_code': error.code, ...(metaCode !== undefined ? { 'meta.error_code': metaCode } : {}) });
    if (metaCode !== undefined) this.metrics.metaErrors.inc({ meta_code: String(metaCode) });
    const stored: MessageError = error.classification ? messageErrorOf(error.classification) : refusalError(error);
    const circuit = circuitOf(this.circuit, message);
    const decision = decideAfterFailure(error, message.attempts + 1);
    switch (decision.kind) {
      case 'pause_account': {
        if (await this.hosts.get(message.channel).pause(message, `the vendor refused the credentials on a send: ${error.message}`)) {
          this.logger.warn(
            { alert: 'account_paused', tenantId: message.tenantId, environment: message.environment, channel: message.channel, accountId: message.accountId, metaCode },
            "the vendor refused the account's credentials: its sends are held until they are replaced",
          );
        }
        await this.transitions.held(message.id, at, stored);
        return this.count({ kind: 'delay', delayMs: this.settings.send.pauseRecheckMs, reason: 'account_paused' });
      }
      case 'reconcile':
        if (decision.tripsCircuit) await this.circuit.recordFailure(circuit);
        await this.transitions.retrying(message.id, at, { error: stored, countsAttempt: true, outcomeUnknown: true });
        return this.count({ kind: 'delay', delayMs: this.settings.send.reconcileWindowMs, reason: 'reconcile' }, error.code);
      case 'retry':
        if (decision.tripsCircuit) await this.circuit.recordFailure(circuit);
        await this.transitions.retrying(message.id, at, { error: stored, countsAttempt: decision.countsAttempt, outcomeUnknown: false });
        return this.count({ kind: 'delay', delayMs: decision.delayMs, reason: 'retry' }, error.code);
      case 'dead':
        await this.transitions.end(message.id, at, 'dead', stored, true);
        return this.count({ kind: 'done', outcome: 'dead' }, error.code);
      case 'failed':
        return this.fail(message, error, at, true);
    }
  }

  /** A final failure: recorded, the recipient suppressed when the failure says so, and the route's fallback started when one applies. */
  private async fail(message: MessageEntity, error: SwitchboardError, at: Date, countsAttempt: boolean): Promise<SendStep> {
    const stored: MessageError = error.classification ? messageErrorOf(error.classification) : refusalError(error);
    const { ended, next } = await this.dataSource.transaction(async (manager) => {
      const inserted = await this.transitions.endIn(manager, message.id, at, 'failed', stored, countsAttempt);
      return { ended: inserted, next: inserted.length === 1 ? await this.fallbacks.afterFailure(manager, message, stored, at) : null };
    });
    await this.transitions.publish(ended, message.id, at, 'failed', stored);
    if (next) await this.fallbacks.started(next);
    if (countsAttempt) await this.suppressAfterFailure(message, error, stored);
    return this.count({ kind: 'done', outcome: 'failed' }, error.code);
  }

  /** An opt-out the vendor reported (Meta 131050, an SMS STOP) at once; other recipient failures once they repeat. */
  private async suppressAfterFailure(message: MessageEntity, error: SwitchboardError, stored: MessageError): Promise<void> {
    const scope = { tenantId: message.tenantId, environment: message.environment };
    if (error.code === 'recipient_suppressed') {
      await this.suppressions.addAutomatic(scope, message.to, optOutReason(stored), 'worker', message.channel);
      return;
    }
    if (error.classification?.category !== 'recipient') return;
    const failures = await this.messages.countBy({
      tenantId: message.tenantId,
      environment: message.environment,
      channel: message.channel,
      to: message.to,
      status: 'failed',
      error: Raw((column) => `${column} ->> 'category' = 'recipient'`),
      updatedAt: MoreThan(new Date(Date.now() - RECIPIENT_FAILURE_WINDOW_MS)),
    });
    if (failures >= RECIPIENT_FAILURES_BEFORE_SUPPRESSION) {
      await this.suppressions.addAutomatic(scope, message.to, `${failures} permanent recipient failures in 30 days (last: ${error.code})`, 'worker', message.channel);
    }
  }

  private count(step: SendStep, reason = ''): SendStep {
    this.metrics.outcomes.inc({ outcome: step.kind === 'done' ? step.outcome : step.reason, reason });
    return step;
  }
}
