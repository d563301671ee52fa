import { registerEnumType } from '@nestjs/graphql';
import { MESSAGE_STATUSES, type MessageStatus } from '@switchboard/messaging';
import { ENVIRONMENTS, type Environment } from '@switchboard/tenancy';

const enumOf = <T extends string>(values: readonly T[]) => Object.fromEntries(values.map((value) => [value, value])) as Record<T, T>;

/** Same spelling as REST (`"delivered"`, `"live"`), so one client can read both dialects. */
export const MessageStatusEnum: Record<MessageStatus, MessageStatus> = enumOf(MESSAGE_STATUSES);
registerEnumType(MessageStatusEnum, { name: 'MessageStatus', description: 'queued, sending, sent, delivered, read, failed, dead (contract §5)' });

export const EnvironmentEnum: Record<Environment, Environment> = enumOf(ENVIRONMENTS);
registerEnumType(EnvironmentEnum, { name: 'Environment' });
