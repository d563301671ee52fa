import { registerEnumType } from '@nestjs/graphql';
import { MESSAGE_STATUSES, type MessageStatus } from '@switchboard/messaging';
import { TEMPLATE_OPERATION_KINDS, TEMPLATE_OPERATION_STATES, type TemplateOperationKind, type TemplateOperationState } from '@switchboard/template-registry';
import { ENVIRONMENTS, type Environment } from '@switchboard/tenancy';

const enumOf = <T extends string>(values: readonly T[]) => Object.fromEntries(values.map((value) => [value, value])) as Record<T, T>;

/** Same spelling as REST (`"delivered"`, `"live"`), so one client can read both dialects. */
export const MessageStatusEnum: Record<MessageStatus, MessageStatus> = enumOf(MESSAGE_STATUSES);
registerEnumType(MessageStatusEnum, { name: 'MessageStatus', description: 'queued, sending, sent, delivered, read, failed, dead (contract §5)' });

export const EnvironmentEnum: Record<Environment, Environment> = enumOf(ENVIRONMENTS);
registerEnumType(EnvironmentEnum, { name: 'Environment' });

export const TemplateOperationKindEnum: Record<TemplateOperationKind, TemplateOperationKind> = enumOf(TEMPLATE_OPERATION_KINDS);
registerEnumType(TemplateOperationKindEnum, { name: 'TemplateOperationKind', description: 'sync, create or delete' });

export const TemplateOperationStateEnum: Record<TemplateOperationState, TemplateOperationState> = enumOf(TEMPLATE_OPERATION_STATES);
registerEnumType(TemplateOperationStateEnum, { name: 'TemplateOperationState', description: 'queued, running, succeeded, failed (the last two are final)' });
