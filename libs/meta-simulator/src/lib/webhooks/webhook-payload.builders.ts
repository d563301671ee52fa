import type { MessagingLimitTier } from '../seed/simulator-seed.schema';
import { metaErrorInfo } from '../graph/meta-error.catalog';
import { displayDigits, type PhoneNumberRecord, type TemplateRecord } from '../state/simulator-state';

export const ERROR_DOCS_HREF = '/documentation/business-messaging/whatsapp/support/error-codes';

export interface WebhookEnvelope {
  object: 'whatsapp_business_account';
  entry: { id: string; time?: number; changes: { field: string; value: Record<string, unknown> }[] }[];
}

export interface StatusPayload {
  id: string;
  status: 'sent' | 'delivered' | 'read' | 'failed';
  timestamp: string;
  recipient_id: string;
  biz_opaque_callback_data?: string;
  conversation?: Record<string, unknown>;
  pricing?: Record<string, unknown>;
  errors?: WebhookErrorPayload[];
}

export interface WebhookErrorPayload {
  code: number;
  title: string;
  message: string;
  error_data: { details: string };
  href: string;
}

export function webhookError(code: number, details?: string): WebhookErrorPayload {
  const info = metaErrorInfo(code);
  return { code, title: info.title, message: info.title, error_data: { details: details ?? info.details }, href: ERROR_DOCS_HREF };
}

function metadata(phone: PhoneNumberRecord): Record<string, string> {
  return { display_phone_number: displayDigits(phone), phone_number_id: phone.id };
}

export function statusesEnvelope(phone: PhoneNumberRecord, statuses: StatusPayload[]): WebhookEnvelope {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: phone.wabaId,
        changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: metadata(phone), statuses } }],
      },
    ],
  };
}

export function inboundEnvelope(
  phone: PhoneNumberRecord,
  contact: { name: string; waId: string },
  message: Record<string, unknown>,
): WebhookEnvelope {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: phone.wabaId,
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: metadata(phone),
              contacts: [{ profile: { name: contact.name }, wa_id: contact.waId }],
              messages: [message],
            },
          },
        ],
      },
    ],
  };
}

export function templateStatusEnvelope(
  template: TemplateRecord,
  event: string,
  reason: string | null,
  nowSeconds: number,
  extra: Record<string, unknown> = {},
): WebhookEnvelope {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: template.wabaId,
        time: nowSeconds,
        changes: [
          {
            field: 'message_template_status_update',
            value: {
              event,
              // Meta sends this id as a number although Graph ids are strings elsewhere.
              message_template_id: Number(template.id),
              message_template_name: template.name,
              message_template_language: template.language,
              reason,
              message_template_category: template.category,
              ...extra,
            },
          },
        ],
      },
    ],
  };
}

export function phoneQualityEnvelope(
  phone: PhoneNumberRecord,
  event: string,
  oldLimit: MessagingLimitTier | undefined,
  nowSeconds: number,
): WebhookEnvelope {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: phone.wabaId,
        time: nowSeconds,
        changes: [
          {
            field: 'phone_number_quality_update',
            value: {
              display_phone_number: displayDigits(phone),
              event,
              current_limit: phone.messagingLimit,
              ...(oldLimit !== undefined && oldLimit !== phone.messagingLimit && { old_limit: oldLimit }),
              max_daily_conversations_per_business: phone.messagingLimit,
            },
          },
        ],
      },
    ],
  };
}
