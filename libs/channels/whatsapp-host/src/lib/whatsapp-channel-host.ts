import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PhoneNumbersService, WabasService } from '@switchboard/accounts';
import { WHATSAPP_CHANNEL_ID, type WhatsAppMessage } from '@switchboard/channel-whatsapp';
import { SwitchboardError } from '@switchboard/error-taxonomy';
import { windowClosed, type ChannelHost, type ChannelPermit, type ChannelScope, type MessageEntity, type PreparedSend, type ResolvedSender, type SendConfig } from '@switchboard/messaging';
import { SendLimiter, uniqueUserLimitOfTier, type CircuitGate } from '@switchboard/rate-limiting';
import { TemplatePreSendService } from '@switchboard/template-registry';
import { RequestContext } from '@switchboard/tenancy';
import { DataSource } from 'typeorm';
import { ConversationWindowsService } from './conversation-windows.service';
import { SenderDirectory } from './sender-directory.service';

/** Who the send-time checks run as: the message's own tenant environment, never a request's. */
const SEND_TIME_KEY_ID = 'system:send-time-checks';
// At most one portfolio-limit warning per portfolio and process in this interval.
const PORTFOLIO_ALERT_EVERY_MS = 5 * 60_000;

/**
 * What only WhatsApp has, behind the core's ChannelHost port: senders are the numbers of the
 * environment's WABAs; a template must be approved (a paused one goes out as its backup) and
 * anything else needs the contact's open 24 h window, at accept and again at send time; the
 * WABA's token is paused when Meta refuses it; Meta's limits (throughput, pair rate,
 * portfolio) are taken with the WABA's circuit in one call right before the Graph call.
 */
@Injectable()
export class WhatsAppChannelHost implements ChannelHost {
  readonly channel = WHATSAPP_CHANNEL_ID;
  private readonly logger = new Logger(WhatsAppChannelHost.name);
  private readonly portfolioAlerts = new Map<string, number>();

  constructor(
    private readonly senders: SenderDirectory,
    private readonly windows: ConversationWindowsService,
    private readonly wabas: WabasService,
    private readonly numbers: PhoneNumbersService,
    private readonly limiter: SendLimiter,
    private readonly templates: TemplatePreSendService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async resolveSender(scope: ChannelScope, from: string | undefined, options: { fresh?: boolean } = {}): Promise<ResolvedSender | null> {
    if (from === undefined) return null;
    const sender = await this.senders.resolve(scope, from, options.fresh ? 0 : undefined);
    if (!sender) return null;
    return { address: sender.phoneNumberId, accountId: sender.wabaId, displayNumber: sender.displayPhoneNumber, testRecipients: sender.testRecipients };
  }

  async prepare(scope: ChannelScope, sender: ResolvedSender, recipient: string, input: unknown): Promise<PreparedSend> {
    const message = input as WhatsAppMessage;
    if (message.type !== 'template') {
      // Everything but a template needs the contact's open 24 h window (first contact is always a template).
      const window = await this.windows.state(scope, sender.address, recipient);
      if (!window.open) throw windowClosed(window.lastInboundAt);
      return { message, template: null };
    }
    const checked = await this.templates.check(scope, {
      wabaId: sender.accountId,
      name: message.template.name,
      language: message.template.language.code,
      components: message.template.components,
    });
    return {
      // A paused template is sent as its backup: the backup's name and language go out.
      message: { ...message, template: { ...message.template, name: checked.send.name, language: { ...message.template.language, code: checked.send.language.code } } },
      template: {
        id: checked.template.id,
        name: checked.template.name,
        language: checked.template.language,
        category: checked.template.category,
        requested: checked.requested,
        fallbackReason: checked.fallback?.reason ?? null,
      },
    };
  }

  /** A message that waited: its window may have closed or its template been paused meanwhile. */
  recheck(message: MessageEntity): Promise<SwitchboardError | null> {
    const scope = { tenantId: message.tenantId, environment: message.environment };
    return RequestContext.run({ principal: { ...scope, keyId: SEND_TIME_KEY_ID } }, async () => {
      try {
        if (message.template === null) {
          const window = await this.windows.state(scope, message.sender, message.to);
          return window.open ? null : windowClosed(window.lastInboundAt);
        }
        const sent = message.payload['template'] as { components?: unknown } | undefined;
        await this.templates.check(
          scope,
          { wabaId: message.accountId ?? '', name: message.template.requested.name, language: message.template.requested.language, components: sent?.components },
          { fresh: true },
        );
        return null;
      } catch (error) {
        if (error instanceof SwitchboardError) return error;
        throw error;
      }
    });
  }

  /** The WABA's kept send access: held while Meta refuses its token, else its token and Graph client. */
  async sendConfig(message: MessageEntity): Promise<SendConfig | null> {
    const { tokenStatus, access } = await this.wabas.sendAccess(message, message.accountId ?? '');
    if (tokenStatus === 'invalid' || tokenStatus === 'expired') return null;
    return { config: { accessToken: access.accessToken, graph: access.graph } };
  }

  /**
   * A template outside an open window opens a conversation; Meta's portfolio limit counts it.
   * Only that limit asks: on an unlimited tier the window is not read.
   */
  async businessInitiated(message: MessageEntity): Promise<boolean> {
    if (message.template === null) return false;
    if (uniqueUserLimitOfTier((await this.numbers.limits(message, message.sender)).tier) === null) return false;
    return !(await this.windows.state(message, message.sender, message.to)).open;
  }

  async acquire(message: MessageEntity, businessInitiated: boolean, circuit: CircuitGate): Promise<ChannelPermit> {
    const number = await this.numbers.limits(message, message.sender);
    const wabaId = message.accountId ?? '';
    const permit = await this.limiter.acquire({ circuit, phoneNumberId: message.sender, mps: number.mps, wabaId, portfolioTier: number.tier, recipient: message.to, businessInitiated });
    if (permit.portfolio && permit.portfolio.ratio >= 0.8) this.portfolioAlert(message, permit.portfolio);
    return permit;
  }

  async recordAccepted(message: MessageEntity, usage: { maxPercentage: number; estimatedTimeToRegainAccessMs: number } | undefined): Promise<void> {
    if (usage) await this.limiter.recordGraphUsage(message.accountId ?? '', usage);
  }

  async pause(message: MessageEntity, reason: string): Promise<boolean> {
    return this.wabas.markTokenRejected(await this.wabas.require(message.tenantId, message.accountId ?? ''), reason);
  }

  /** Meta's webhooks stored by then and not processed yet (webhook ingest's inbox): one indexed probe. */
  async reportsPendingSince(at: Date): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(`SELECT 1 FROM webhook_inbox WHERE state = 'pending' AND received_at <= $1 LIMIT 1`, [at]);
    return rows.length > 0;
  }

  private portfolioAlert(message: MessageEntity, usage: { used: number; limit: number; ratio: number }): void {
    const wabaId = message.accountId ?? '';
    const last = this.portfolioAlerts.get(wabaId) ?? 0;
    if (Date.now() - last < PORTFOLIO_ALERT_EVERY_MS) return;
    this.portfolioAlerts.set(wabaId, Date.now());
    this.logger.warn(
      { alert: 'portfolio_limit', tenantId: message.tenantId, environment: message.environment, wabaId, used: usage.used, limit: usage.limit },
      `the portfolio has used ${Math.round(usage.ratio * 100)} % of its 24 h unique-user messaging limit; sends past it are held`,
    );
  }
}
