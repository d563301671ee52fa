import { Inject, Injectable, Logger } from '@nestjs/common';
import { QUEUE_PRODUCER, type QueueProducer } from '@switchboard/queue';
import type { FindOptionsWhere } from 'typeorm';
import { TemplateStore } from '../persistence/template.store';
import type { TemplateEntity } from '../persistence/template.entity';
import { inScope } from '../template-scope';
import type { TemplateScope } from '../waba-access.port';
import { categoryUpdateSchema, qualityUpdateSchema, statusUpdateSchema, type TemplateWebhookChange } from './template-webhook';

export type TemplateWebhookOutcome =
  | { readonly outcome: 'updated'; readonly templateId: string; readonly name: string; readonly language: string; readonly status: string }
  /** Redelivered or out of order: an event at least as new was already applied. */
  | { readonly outcome: 'stale'; readonly templateId: string }
  /** The registry does not know the template yet: a sync of the scope was queued. */
  | { readonly outcome: 'unknown_template'; readonly syncQueued: true }
  /** Not a template change, or a shape the registry cannot read. */
  | { readonly outcome: 'ignored'; readonly reason: string };

/**
 * Status webhook events that are not statuses: LOCKED and FLAGGED leave the status as
 * it is (Meta lists them only as events), REINSTATED means approved again.
 */
const EVENT_STATUS: Record<string, string | null> = {
  REINSTATED: 'APPROVED',
  UNARCHIVED: null,
  FLAGGED: null,
  LOCKED: null,
};

/**
 * Applies Meta's template webhooks to the registry: status changes
 * (`message_template_status_update`), quality (`message_template_quality_update`)
 * and category (`template_category_update`). The webhook pipeline calls it once per
 * change after mapping the change's WABA to its tenant environment.
 */
@Injectable()
export class TemplateStatusService {
  private readonly logger = new Logger(TemplateStatusService.name);

  constructor(
    private readonly store: TemplateStore,
    @Inject(QUEUE_PRODUCER) private readonly producer: QueueProducer,
  ) {}

  async updateFromWebhook(scope: TemplateScope, change: TemplateWebhookChange): Promise<TemplateWebhookOutcome> {
    return inScope(scope, async () => {
      const value = change.value;
      // Meta's own syntax block labels quality updates as status updates; route on the content too.
      const quality = qualityUpdateSchema.safeParse(value);
      if (change.field === 'message_template_quality_update' || (quality.success && change.field === 'message_template_status_update')) {
        return quality.success ? this.applyQuality(scope, change, quality.data) : { outcome: 'ignored', reason: 'unreadable quality update' };
      }
      if (change.field === 'message_template_status_update') {
        const status = statusUpdateSchema.safeParse(value);
        return status.success ? this.applyStatus(scope, change, status.data) : { outcome: 'ignored', reason: 'unreadable status update' };
      }
      if (change.field === 'template_category_update') {
        const category = categoryUpdateSchema.safeParse(value);
        return category.success ? this.applyCategory(scope, change, category.data) : { outcome: 'ignored', reason: 'unreadable category update' };
      }
      return { outcome: 'ignored', reason: `field ${change.field} is not a template change` };
    });
  }

  private async find(
    wabaId: string,
    ref: { message_template_id?: string | undefined; message_template_name?: string | null | undefined; message_template_language?: string | null | undefined },
  ): Promise<TemplateEntity | null> {
    if (ref.message_template_id !== undefined) {
      const byId = await this.store.findOne({ wabaId, metaTemplateId: ref.message_template_id });
      if (byId) return byId;
    }
    if (ref.message_template_name && ref.message_template_language) {
      // Some of Meta's webhook examples write languages with a dash (en-US).
      const where: FindOptionsWhere<TemplateEntity> = {
        wabaId,
        name: ref.message_template_name,
        language: ref.message_template_language.replace('-', '_'),
      };
      return this.store.findOne(where);
    }
    return null;
  }

  private async unknown(scope: TemplateScope, change: TemplateWebhookChange): Promise<TemplateWebhookOutcome> {
    await this.producer.add('templates.sync', { tenantId: scope.tenantId, environment: scope.environment });
    this.logger.log({ wabaId: change.wabaId, field: change.field }, 'webhook for a template the registry does not know; sync queued');
    return { outcome: 'unknown_template', syncQueued: true };
  }

  private eventTime(change: TemplateWebhookChange): Date {
    return change.time !== undefined ? new Date(change.time * 1000) : new Date();
  }

  private async applyStatus(
    scope: TemplateScope,
    change: TemplateWebhookChange,
    value: ReturnType<typeof statusUpdateSchema.parse>,
  ): Promise<TemplateWebhookOutcome> {
    const template = await this.find(change.wabaId, value);
    if (!template) return this.unknown(scope, change);
    const at = this.eventTime(change);
    // Meta's time has second resolution: an event of the same second is applied.
    if (template.statusEventAt && at.getTime() < template.statusEventAt.getTime()) return { outcome: 'stale', templateId: template.id };

    const event = value.event.toUpperCase();
    const mapped = event in EVENT_STATUS ? EVENT_STATUS[event] : event;
    if (event === 'UNARCHIVED') await this.producer.add('templates.sync', { tenantId: scope.tenantId, environment: scope.environment });
    const info = { ...(value.rejection_info ? { rejection_info: value.rejection_info } : {}), ...(value.other_info ? { other_info: value.other_info } : {}), ...(value.disable_info ? { disable_info: value.disable_info } : {}) };
    const saved = await this.store.save({
      ...template,
      status: mapped ?? template.status,
      rejectionReason: event === 'REJECTED' ? (value.reason ?? null) : mapped === 'APPROVED' ? null : template.rejectionReason,
      category: value.message_template_category ? value.message_template_category.toUpperCase() : template.category,
      statusDetail: { event, reason: value.reason ?? null, ...(Object.keys(info).length > 0 ? { info } : {}) },
      statusEventAt: at,
    });
    return { outcome: 'updated', templateId: saved.id, name: saved.name, language: saved.language, status: saved.status };
  }

  private async applyQuality(
    scope: TemplateScope,
    change: TemplateWebhookChange,
    value: ReturnType<typeof qualityUpdateSchema.parse>,
  ): Promise<TemplateWebhookOutcome> {
    const template = await this.find(change.wabaId, value);
    if (!template) return this.unknown(scope, change);
    const saved = await this.store.save({ ...template, qualityScore: value.new_quality_score.toUpperCase() });
    return { outcome: 'updated', templateId: saved.id, name: saved.name, language: saved.language, status: saved.status };
  }

  private async applyCategory(
    scope: TemplateScope,
    change: TemplateWebhookChange,
    value: ReturnType<typeof categoryUpdateSchema.parse>,
  ): Promise<TemplateWebhookOutcome> {
    const template = await this.find(change.wabaId, value);
    if (!template) return this.unknown(scope, change);
    // An impending change names the category-to-be in correct_category; new_category is still the current one.
    const impending = value.correct_category ? value.correct_category.toUpperCase() : null;
    const saved = await this.store.save({
      ...template,
      category: value.new_category.toUpperCase(),
      categoryChange:
        impending && impending !== value.new_category.toUpperCase()
          ? {
              category: impending,
              effectiveAt: value.category_update_timestamp ? new Date(value.category_update_timestamp * 1000).toISOString() : null,
            }
          : null,
    });
    return { outcome: 'updated', templateId: saved.id, name: saved.name, language: saved.language, status: saved.status };
  }
}
