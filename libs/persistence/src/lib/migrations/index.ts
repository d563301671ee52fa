import { CreateTenants1732430000000 } from './1732430000000-create-tenants.migration';
import { CreateApiKeys1732430100000 } from './1732430100000-create-api-keys.migration';
import { CreateVaultSecrets1732430250000 } from './1732430250000-create-vault-secrets.migration';
import { VaultPlatformScope1732430260000 } from './1732430260000-vault-platform-scope.migration';
import { CreateWhatsappAccounts1732430300000 } from './1732430300000-create-whatsapp-accounts.migration';
import { CreateTemplates1732430500000 } from './1732430500000-create-templates.migration';
import { CreateMessages1732430600000 } from './1732430600000-create-messages.migration';
import { MessagesOutboxIndex1732430700000 } from './1732430700000-messages-outbox-index.migration';
import { PhoneNumberTestRecipients1732430820000 } from './1732430820000-phone-number-test-recipients.migration';
import { MessagesScheduleAndRetry1732430830000 } from './1732430830000-messages-schedule-and-retry.migration';
import { CreateWebhookIngest1732430900000 } from './1732430900000-create-webhook-ingest.migration';
import { CreateTenantEvents1732430910000 } from './1732430910000-create-tenant-events.migration';
import { CreateMetaErrorCodesSeen1732430920000 } from './1732430920000-create-meta-error-codes-seen.migration';
import { MessagesSendState1732430950000 } from './1732430950000-messages-send-state.migration';
import { CreateTemplateOperations1732431100000 } from './1732431100000-create-template-operations.migration';
import { EventDeliveriesRetentionIndex1732431200000 } from './1732431200000-event-deliveries-retention-index.migration';
import { MessagesSweepSending1732431300000 } from './1732431300000-messages-sweep-sending.migration';
import { ChannelAgnosticMessages1732431400000 } from './1732431400000-channel-agnostic-messages.migration';

/** Every migration, oldest first. Landed migrations are never edited: add a new one. */
export const MIGRATIONS = [
  CreateTenants1732430000000,
  CreateApiKeys1732430100000,
  CreateVaultSecrets1732430250000,
  VaultPlatformScope1732430260000,
  CreateWhatsappAccounts1732430300000,
  CreateTemplates1732430500000,
  CreateMessages1732430600000,
  MessagesOutboxIndex1732430700000,
  PhoneNumberTestRecipients1732430820000,
  MessagesScheduleAndRetry1732430830000,
  CreateWebhookIngest1732430900000,
  CreateTenantEvents1732430910000,
  CreateMetaErrorCodesSeen1732430920000,
  MessagesSendState1732430950000,
  CreateTemplateOperations1732431100000,
  EventDeliveriesRetentionIndex1732431200000,
  MessagesSweepSending1732431300000,
  ChannelAgnosticMessages1732431400000,
];
