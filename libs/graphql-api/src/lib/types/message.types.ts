import { Field, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import type { MessageStatus } from '@switchboard/messaging';
import { MessageStatusEnum } from './enums';
import { PageInfo } from './page-info.type';
import { DateTimeScalar, JsonScalar } from './scalars';

@ObjectType({ description: "Meta's error behind a failure" })
export class MetaErrorRef {
  @Field(() => Int)
  code!: number;

  @Field()
  title!: string;

  @Field(() => String, { nullable: true })
  details?: string;
}

@ObjectType({ description: "Another channel's vendor error behind a failure (Twilio's 21610 ...)" })
export class ProviderErrorRef {
  @Field({ description: 'the channel whose vendor answered' })
  channel!: string;

  @Field()
  code!: string;

  @Field()
  title!: string;
}

@ObjectType({ description: "Why a message failed, from the error taxonomy (REST's `error`)" })
export class MessageError {
  @Field({ description: 'taxonomy code, e.g. window_closed' })
  code!: string;

  @Field()
  message!: string;

  @Field()
  category!: string;

  @Field()
  retryable!: boolean;

  @Field({ description: 'what to do about it' })
  action!: string;

  @Field(() => MetaErrorRef, { nullable: true })
  meta?: MetaErrorRef;

  @Field(() => ProviderErrorRef, { nullable: true })
  provider?: ProviderErrorRef;
}

@ObjectType({ description: 'One step of the status timeline' })
export class MessageEvent {
  @Field(() => MessageStatusEnum)
  status!: MessageStatus;

  @Field(() => DateTimeScalar)
  at!: string;

  @Field(() => String, { nullable: true, description: 'the channel the event happened on' })
  channel?: string;

  @Field(() => Int, { nullable: true, description: 'which channel of the route: 1 the first, 2 the first fallback ...' })
  attempt?: number;

  @Field(() => JsonScalar, { nullable: true, description: 'what the event carries: the error, the fallback that started' })
  detail?: Record<string, unknown>;
}

@ObjectType({ description: 'An outbound message (REST: GET /v1/messages/{id})' })
export class Message {
  @Field(() => ID)
  id!: string;

  @Field(() => MessageStatusEnum)
  status!: MessageStatus;

  @Field(() => String, { nullable: true })
  wamid!: string | null;

  @Field(() => String, { nullable: true, description: 'the channel it is on now (a fallback moves it)' })
  channel?: string;

  @Field(() => String, { nullable: true, description: "the vendor's id of the current send (WhatsApp: the wamid)" })
  providerMessageId?: string | null;

  @Field({ description: 'E.164 digits without +' })
  to!: string;

  @Field({ description: "the sending number's phone_number_id" })
  from!: string;

  @Field()
  type!: string;

  @Field(() => Int, { nullable: true, description: 'SMS: the parts the text is sent and billed as' })
  segments?: number;

  @Field(() => Int)
  attempts!: number;

  @Field(() => JsonScalar)
  metadata!: Record<string, unknown>;

  @Field(() => MessageError, { nullable: true })
  error!: MessageError | null;

  @Field(() => DateTimeScalar, { nullable: true })
  scheduledAt!: string | null;

  @Field(() => DateTimeScalar)
  createdAt!: string;

  @Field(() => DateTimeScalar)
  updatedAt!: string;
}

@ObjectType()
export class MessageEdge {
  @Field()
  cursor!: string;

  @Field(() => Message)
  node!: Message;
}

@ObjectType({ description: 'Messages of this environment, newest first' })
export class MessageConnection {
  @Field(() => [MessageEdge])
  edges!: MessageEdge[];

  @Field(() => [Message])
  nodes!: Message[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}

@InputType({ description: 'The filters of GET /v1/messages' })
export class MessageFilter {
  @Field(() => MessageStatusEnum, { nullable: true })
  status?: MessageStatus;

  @Field({ nullable: true, description: 'the channel it is on (whatsapp, sms ...)' })
  channel?: string;

  @Field({ nullable: true, description: 'recipient, any format' })
  to?: string;

  @Field({ nullable: true, description: "the sending number's phone_number_id" })
  from?: string;

  @Field({ nullable: true })
  type?: string;

  @Field({ nullable: true, description: "taxonomy code or Meta's error number" })
  errorCode?: string;

  @Field(() => DateTimeScalar, { nullable: true, description: 'inclusive' })
  createdAfter?: string;

  @Field(() => DateTimeScalar, { nullable: true, description: 'inclusive' })
  createdBefore?: string;
}

@ObjectType({ description: 'Checked, stored and queued for sending' })
export class AcceptedMessage {
  @Field(() => ID)
  id!: string;

  @Field(() => MessageStatusEnum)
  status!: MessageStatus;

  @Field()
  to!: string;

  @Field()
  from!: string;

  @Field(() => String, { nullable: true, description: 'the channel it was accepted on' })
  channel?: string;

  @Field(() => DateTimeScalar)
  createdAt!: string;

  @Field(() => DateTimeScalar, { nullable: true })
  scheduledAt?: string;
}

@ObjectType({ description: "A change of a message's status, as it happens" })
export class MessageStatusChange {
  @Field(() => ID)
  messageId!: string;

  @Field(() => MessageStatusEnum, { description: 'what happened (the timeline event)' })
  status!: MessageStatus;

  @Field(() => MessageStatusEnum, { description: "the message's status after it (a failure reported after delivery keeps delivered)" })
  messageStatus!: MessageStatus;

  @Field(() => DateTimeScalar)
  at!: string;

  @Field(() => String, { nullable: true, description: 'the channel the event happened on' })
  channel?: string;

  @Field(() => MessageError, { nullable: true })
  error!: MessageError | null;
}
