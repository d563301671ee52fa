import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { trace } from '@opentelemetry/api';
import { PhoneNumbersService, WabasService } from '@switchboard/accounts';
import type { ChannelRegistry } from '@switchboard/channel-contract';
import { SwitchboardError, classify, classifyMetaCode, messageErrorOf, type MessageError } from '@switchboard/error-taxonomy';
import { SendLimiter, type SendPermit } from '@switchboard/rate-limiting';
import { currentTraceparent } from '@switchboard/telemetry';
import { DataSource, MoreThan, Raw, Repository } from 'typeorm';
import { CHANNEL_REGISTRY, MESSAGING_SETTINGS, WINDOW_MS, type MessagingSettings } from '../messaging.constants';
import { MessageEntity } from '../persistence/message.entity';
import { SendTimeChecks } from '../send-time-checks.service';
import { MessageStatusService } from '../status/message-status.service';
import { MessageStatusFeed } from '../status-feed/message-status-feed';
import { SuppressionsService } from '../suppressions.service';
import { CircuitBreaker } from './circuit-breaker';
import { decideAfterFailure, withJitter } from './send-decision';
import { MessageTransitions } from './message-transitions';
import { SendMetrics } from './send.metrics';
import { SEND_CIRCUIT_BREAKER } from './send.constants';

type Waba = Awaited<ReturnType<WabasService['require']>>;

/** What the processor does with the job after one step. */
export type SendStep =
  | { readonly kind: 'done'; readonly outcome: 'sent' | 'failed' | 'dead' | 'skipped' }
  | { readonly kind: 'delay'; readonly delayMs: number; readonly reason: string };

// Permanent recipient failures to one contact (30 days) after which it is suppressed.
const RECIPIENT_FAILURES_BEFORE_SUPPRESSION = 3;
const RECIPIENT_FAILURE_WINDOW_MS = 30 * 24 * 3600 * 1000;
// A message that waited longer than this (schedule, retry, backlog, pause) is checked again before it goes.
const RECHECK_AFTER_MS = 60_000;
// How long a number's throughput and tier are reused between sends.
const NUMBER_CACHE_MS = 30_000;
// At most one portfolio-limit warning per portfolio and process in this interval.
const PORTFOLIO_ALERT_EVERY_MS = 5 * 60_000;

/** An error without a taxonomy classification (a refusal), in the stored shape; Meta's side when it maps to a code. */
function refusalError(refusal: SwitchboardError): MessageError {
  const classification = refusal.classification ?? (refusal.meta ? classifyMetaCode(refusal.meta.code) : undefined);
  if (classification) return { ...messageErrorOf(classification), code: refusal.code, message: refusal.message };
  return { code: refusal.code, message: refusal.message, category: 'parameter', retryable: false, action: refusal.details?.[0]?.issue ?? 'Correct the message and send it again.' };
}

const toError = (error: unknown): SwitchboardError =>
  SwitchboardError.isSwitchboardError(error)
    ? error
    : SwitchboardError.fromClassification(classify({ type: 'transport', reason: 'invalid_response', detail: 'plugin_threw' }));

/**
 * One step of one message's send: every gate (state, reconciliation, WABA pause, circuit,
 * limits) either lets the call through or answers how long to wait; then exactly one call
 * to the channel plugin, and the outcome recorded as the taxonomy decides.
 */
@Injectable()
export class MessageSender {
  private readonly logger = new Logger(MessageSender.name);
  private readonly transitions: MessageTransitions;
  private readonly numberCache = new Map<string, { mps: number; tier: string | null; until: number }>();
  private readonly portfolioAlerts = new Map<string, number>();
  // pino style (fields first) through Nest's logger, which nestjs-pino backs.
  private readonly channelLogger = {
    debug: (message: string, fields: Record<string, unknown> = {}) => this.logger.debug(fields, message),
    info: (message: string, fields: Record<string, unknown> = {}) => this.logger.log(fields, message),
    warn: (message: string, fields: Record<string, unknown> = {}) => this.logger.warn(fields, message),
    error: (message: string, fields: Record<string, unknown> = {}) => this.logger.error(fields, message),
  };

  constructor(
    @InjectRepository(MessageEntity) private readonly messages: Repository<MessageEntity>,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(MESSAGING_SETTINGS) private readonly settings: MessagingSettings,
    @Inject(CHANNEL_REGISTRY) private readonly channels: ChannelRegistry,
    @Inject(SEND_CIRCUIT_BREAKER) private readonly circuit: CircuitBreaker,
    private readonly wabas: WabasService,
    private readonly numbers: PhoneNumbersService,
    private readonly limiter: SendLimiter,
    private readonly checks: SendTimeChecks,
    private readonly statuses: MessageStatusService,
    private readonly suppressions: SuppressionsService,
    private readonly metrics: SendMetrics,
    feed: MessageStatusFeed,
  ) {
    this.transitions = new MessageTransitions(dataSource, feed);
  }

  /**
   * One step. A step that throws (the database, Redis or the limiter's connection away) leaves
   * the row as the last completed statement wrote it and the job is retried with backoff (the
   * queue's job options); an attempt mark taken for a call that never left is given back first.
   */
  async send(job: { messageId: string; retry?: number }, now: () => Date = () => new Date()): Promise<SendStep> {
    const { messageId } = job;
    try {
      return await this.step(messageId, job.retry ?? 0, now);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.metrics.outcomes.inc({ outcome: 'error', reason: error instanceof Error ? error.name : 'unknown' });
      this.logger.warn({ messageId, reason }, 'send step failed unexpectedly; the job is retried with backoff');
      throw error;
    }
  }

  private async step(messageId: string, retry: number, now: () => Date): Promise<SendStep> {
    const message = await this.messages.findOneBy({ id: messageId });
    if (!message || !['queued', 'sending'].includes(message.status) || message.wamid !== null) {
      return this.count({ kind: 'done', outcome: 'skipped' }, message ? message.status : 'missing');
    }
    // A job from before a retry (say, one waiting out a reconcile window when Meta's `failed`
    // came and the message was retried) must not send beside the retry's own job.
    if (message.retries !== retry) return this.count({ kind: 'done', outcome: 'skipped' }, 'superseded');
    trace.getActiveSpan()?.setAttributes({
      'switchboard.tenant_id': message.tenantId,
      'switchboard.environment': message.environment,
      'switchboard.message_id': message.id,
    });

    if (message.attemptStartedAt !== null) {
      // The last call's outcome is unknown (timeout or crash): its status webhook, matched by
      // biz_opaque_callback_data, may still record it. Resend only once the window passed.
      const waitMs = message.attemptStartedAt.getTime() + this.settings.send.reconcileWindowMs - now().getTime();
      if (waitMs > 0) return this.count({ kind: 'delay', delayMs: waitMs, reason: 'reconcile' });
      this.logger.warn({ messageId, attempts: message.attempts }, 'no status arrived for an attempt with an unknown outcome; sending again');
    }

    const waba = await this.wabas.require(message.tenantId, message.wabaId);
    if (waba.tokenStatus === 'invalid' || waba.tokenStatus === 'expired') {
      return this.count({ kind: 'delay', delayMs: this.settings.send.pauseRecheckMs, reason: 'waba_paused' });
    }
    if (now().getTime() - (message.scheduledAt ?? message.createdAt).getTime() > RECHECK_AFTER_MS) {
      const refusal = await this.checks.check(message, now().getTime());
      if (refusal) {
        await this.transitions.end(message.id, now(), 'failed', refusalError(refusal), false);
        return this.count({ kind: 'done', outcome: 'failed' }, refusal.code);
      }
    }
    const permit = await this.circuit.acquire(message.wabaId);
    if (!permit.allowed) return this.count({ kind: 'delay', delayMs: withJitter(permit.waitMs), reason: 'circuit_open' });
    const access = await this.wabas.access(waba);
    const businessInitiated = message.template !== null && !(await this.windowOpen(message));
    const started = now();
    if (!(await this.transitions.begin(message.id, started))) return this.count({ kind: 'done', outcome: 'skipped' }, 'moved_on');
    // The permit is taken last, right before the call: a permit that waits on the database
    // arrives at Meta later than granted, and several such land in one second (130429).
    let limit: SendPermit;
    try {
      limit = await this.acquireLimits(message, businessInitiated);
    } catch (error) {
      await this.releaseUnsent(message.id, started);
      throw error;
    }
    if (!limit.ok) {
      await this.transitions.release(message.id, started);
      return this.count({ kind: 'delay', delayMs: limit.waitMs, reason: limit.reason });
    }
    // A send leaves at its slot, not before: leaving early would undo the number's spacing. A late
    // one still goes (giving the slot up cost 30 % of a saturated number's rate on a busy machine).
    if (limit.holdMs > 0) await sleep(limit.holdMs);

    const plugin = this.channels.get('whatsapp');
    const traceparent = currentTraceparent();
    let result;
    try {
      result = await plugin.send(
        { id: message.id, from: message.phoneNumberId, to: message.to, payload: message.payload },
        {
          tenantId: message.tenantId,
          environment: message.environment,
          config: { accessToken: access.accessToken, graph: access.graph },
          logger: this.channelLogger,
          now,
          ...(traceparent ? { traceparent } : {}),
        },
      );
    } catch (thrown) {
      this.metrics.sendDuration.observe({ outcome: 'error' }, (now().getTime() - started.getTime()) / 1000);
      return this.onFailure(message, waba, toError(thrown), now());
    }
    this.metrics.sendDuration.observe({ outcome: 'sent' }, (now().getTime() - started.getTime()) / 1000);
    // The wamid first: once it is stored, a throw below only costs a retried job that finds the row sent.
    await this.transitions.sent(message.id, now(), {
      wamid: result.providerMessageId,
      providerStatus: result.providerStatus,
      sendTraceparent: traceparent ?? null,
    });
    await this.circuit.recordSuccess(message.wabaId);
    if (result.usage) await this.limiter.recordGraphUsage(message.wabaId, result.usage);
    // A status webhook may have come before the wamid was stored: it waits in the pending table.
    await this.statuses.applyPendingStatuses(message.id, result.providerMessageId);
    return this.count({ kind: 'done', outcome: 'sent' });
  }

  /**
   * The call never left: the attempt mark goes, so the retried job does not wait out a reconcile
   * window for nothing. When even that statement fails the mark stays, which only delays the resend.
   */
  private async releaseUnsent(id: string, startedAt: Date): Promise<void> {
    try {
      await this.transitions.release(id, startedAt);
    } catch (error) {
      this.logger.warn({ messageId: id, reason: error instanceof Error ? error.message : String(error) }, 'could not release the attempt of an unsent step');
    }
  }

  /** Meta's limits for this send, shared by every worker; business-initiated when no window is open. */
  private async acquireLimits(message: MessageEntity, businessInitiated: boolean): Promise<SendPermit> {
    const number = await this.numberLimits(message.phoneNumberId);
    const permit = await this.limiter.acquire({
      phoneNumberId: message.phoneNumberId,
      mps: number.mps,
      wabaId: message.wabaId,
      portfolioTier: number.tier,
      recipient: message.to,
      businessInitiated,
    });
    if (permit.portfolio && permit.portfolio.ratio >= 0.8) this.portfolioAlert(message, permit.portfolio);
    return permit;
  }

  private async numberLimits(phoneNumberId: string): Promise<{ mps: number; tier: string | null }> {
    const cached = this.numberCache.get(phoneNumberId);
    if (cached && cached.until > Date.now()) return cached;
    const number = await this.numbers.findByPhoneNumberId(phoneNumberId);
    const entry = { mps: number?.throughputMps ?? 0, tier: number?.messagingLimit ?? null, until: Date.now() + NUMBER_CACHE_MS };
    this.numberCache.set(phoneNumberId, entry);
    return entry;
  }

  private async windowOpen(message: MessageEntity): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM conversation_windows WHERE tenant_id = $1 AND environment = $2 AND phone_number_id = $3 AND wa_id = $4 AND last_inbound_at > $5`,
      [message.tenantId, message.environment, message.phoneNumberId, message.to, new Date(Date.now() - WINDOW_MS)],
    );
    return rows.length > 0;
  }

  private portfolioAlert(message: MessageEntity, usage: { used: number; limit: number; ratio: number }): void {
    const last = this.portfolioAlerts.get(message.wabaId) ?? 0;
    if (Date.now() - last < PORTFOLIO_ALERT_EVERY_MS) return;
    this.portfolioAlerts.set(message.wabaId, Date.now());
    this.logger.warn(
      { alert: 'portfolio_limit', tenantId: message.tenantId, environment: message.environment, wabaId: message.wabaId, used: usage.used, limit: usage.limit },
      `the portfolio has used ${Math.round(usage.ratio * 100)} % of its 24 h unique-user messaging limit; sends past it are held`,
    );
  }

  private async onFailure(message: MessageEntity, waba: Waba, error: SwitchboardError, at: Date): Promise<SendStep> {
    const metaCode = error.meta?.code;
    trace.getActiveSpan()?.setAttributes({ 'switchboard.error_code': error.code, ...(metaCode !== undefined ? { 'meta.error_code': metaCode } : {}) });
    if (metaCode !== undefined) this.metrics.metaErrors.inc({ meta_code: String(metaCode) });
    const stored: MessageError = error.classification ? messageErrorOf(error.classification) : refusalError(error);
    const decision = decideAfterFailure(error, message.attempts + 1);
    switch (decision.kind) {
      case 'pause_waba': {
        if (await this.wabas.markTokenRejected(waba, `Meta refused the token on a send: ${error.message}`)) {
          this.logger.warn(
            { alert: 'waba_paused', tenantId: message.tenantId, environment: message.environment, wabaId: message.wabaId, metaCode },
            "Meta refused the WABA's token: its sends are held until the token is rotated",
          );
        }
        await this.transitions.held(message.id, at, stored);
        return this.count({ kind: 'delay', delayMs: this.settings.send.pauseRecheckMs, reason: 'waba_paused' });
      }
      case 'reconcile':
        if (decision.tripsCircuit) await this.circuit.recordFailure(message.wabaId);
        await this.transitions.retrying(message.id, at, { error: stored, countsAttempt: true, outcomeUnknown: true });
        return this.count({ kind: 'delay', delayMs: this.settings.send.reconcileWindowMs, reason: 'reconcile' }, error.code);
      case 'retry':
        if (decision.tripsCircuit) await this.circuit.recordFailure(message.wabaId);
        await this.transitions.retrying(message.id, at, { error: stored, countsAttempt: decision.countsAttempt, outcomeUnknown: false });
        return this.count({ kind: 'delay', delayMs: decision.delayMs, reason: 'retry' }, error.code);
      case 'dead':
        await this.transitions.end(message.id, at, 'dead', stored, true);
        return this.count({ kind: 'done', outcome: 'dead' }, error.code);
      case 'failed':
        await this.transitions.end(message.id, at, 'failed', stored, true);
        await this.suppressAfterFailure(message, error);
        return this.count({ kind: 'done', outcome: 'failed' }, error.code);
    }
  }

  /** 131050 (the user stopped marketing messages) at once; other recipient failures once they repeat. */
  private async suppressAfterFailure(message: MessageEntity, error: SwitchboardError): Promise<void> {
    const scope = { tenantId: message.tenantId, environment: message.environment };
    if (error.meta?.code === 131050) {
      await this.suppressions.addAutomatic(scope, message.to, 'Meta 131050: the user stopped marketing messages', 'worker');
      return;
    }
    if (error.classification?.category !== 'recipient') return;
    const failures = await this.messages.countBy({
      tenantId: message.tenantId,
      environment: message.environment,
      to: message.to,
      status: 'failed',
      error: Raw((column) => `${column} ->> 'category' = 'recipient'`),
      updatedAt: MoreThan(new Date(Date.now() - RECIPIENT_FAILURE_WINDOW_MS)),
    });
    if (failures >= RECIPIENT_FAILURES_BEFORE_SUPPRESSION) {
      await this.suppressions.addAutomatic(scope, message.to, `${failures} permanent recipient failures in 30 days (last: ${error.code})`, 'worker');
    }
  }

  private count(step: SendStep, reason = ''): SendStep {
    this.metrics.outcomes.inc({ outcome: step.kind === 'done' ? step.outcome : step.reason, reason });
    return step;
  }
}
