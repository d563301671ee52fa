import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { SwitchboardError } from '@switchboard/error-taxonomy';
import { TemplatePreSendService } from '@switchboard/template-registry';
import { RequestContext, TenantScopedRepository } from '@switchboard/tenancy';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { recipientSuppressed, testRecipientRefusal, windowClosed } from './checks/pre-send-refusals';
import { ConversationWindowsService } from './conversation-windows.service';
import type { MessageEntity } from './persistence/message.entity';
import { SuppressionEntity } from './persistence/suppression.entity';
import { SenderDirectory } from './sender-directory.service';

/** Who the checks run as: the message's own tenant environment, never a request's. */
const SEND_TIME_KEY_ID = 'system:send-time-checks';

/**
 * "The checks run again at send time" (issue 6): a message can wait (scheduledAt, a
 * retry, a backlog) while its recipient is suppressed, its window closes, its template
 * is paused or its test number's list changes. The send worker calls `check` just
 * before the Graph call; a refusal is returned, not thrown, so the worker records it
 * as the message's failure instead of retrying it.
 */
@Injectable()
export class SendTimeChecks implements OnModuleInit {
  private readonly suppressions: TenantScopedRepository<SuppressionEntity>;
  private templates!: TemplatePreSendService;

  constructor(
    @InjectRepository(SuppressionEntity) suppressions: Repository<SuppressionEntity>,
    private readonly windows: ConversationWindowsService,
    private readonly senders: SenderDirectory,
    private readonly moduleRef: ModuleRef,
  ) {
    this.suppressions = new TenantScopedRepository(suppressions);
  }

  onModuleInit(): void {
    // The registry is a sibling module of the host; resolve its pre-send check app-wide.
    this.templates = this.moduleRef.get(TemplatePreSendService, { strict: false });
  }

  /** Null when the message may go now; else the refusal, in the taxonomy, that accept would have given. */
  check(message: MessageEntity, now: number = Date.now()): Promise<SwitchboardError | null> {
    const scope = { tenantId: message.tenantId, environment: message.environment };
    return RequestContext.run({ principal: { ...scope, keyId: SEND_TIME_KEY_ID } }, async () => {
      try {
        return await this.refusal(message, scope, now);
      } catch (error) {
        if (error instanceof SwitchboardError) return error;
        throw error;
      }
    });
  }

  private async refusal(message: MessageEntity, scope: { tenantId: string; environment: MessageEntity['environment'] }, now: number): Promise<SwitchboardError | null> {
    // Fresh, not the accept path's short-lived copy: a changed test-number list applies to the next send.
    const sender = await this.senders.resolve(scope, message.phoneNumberId, 0);
    if (!sender) {
      return new SwitchboardError({
        code: 'validation_failed',
        message: 'The sending number is no longer registered in this environment',
        details: [{ path: 'from', issue: `no number ${message.phoneNumberId} in this tenant environment` }],
      });
    }
    const notAllowed = testRecipientRefusal(sender.testRecipients, message.to);
    if (notAllowed) return notAllowed;
    if (await this.suppressions.findOne({ waId: message.to })) return recipientSuppressed(message.to);
    if (message.template === null) {
      const window = await this.windows.state(message.phoneNumberId, message.to, now);
      return window.open ? null : windowClosed(window.lastInboundAt);
    }
    const sent = message.payload['template'] as { components?: unknown } | undefined;
    await this.templates.check(scope, {
      wabaId: message.wabaId,
      name: message.template.requested.name,
      language: message.template.requested.language,
      components: sent?.components,
    });
    return null;
  }
}
