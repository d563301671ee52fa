import type { Environment } from '@switchboard/tenancy';
import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { RouteStep } from '../fallback/fallback-step';
import type { MessageStatus } from './message-status';

/** The template a message goes out with, as the registry resolved it at accept time. */
export interface MessageTemplateRef {
  id: string;
  name: string;
  language: string;
  category: string;
  requested: { name: string; language: string };
  fallbackReason: 'PAUSED' | 'DISABLED' | null;
}

@Entity({ name: 'messages' })
export class MessageEntity {
  /** `msg_` + ULID: sorts by creation time. */
  @PrimaryColumn({ type: 'varchar', length: 40 })
  id!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @Column({ type: 'varchar', length: 4 })
  environment!: Environment;

  /** The channel plugin that sends it (`whatsapp`, `sms`); a fallback moves it to the next channel of its route. */
  @Column({ type: 'varchar', length: 32 })
  channel!: string;

  /** The channel's sender address (`from`): WhatsApp's phone_number_id, an SMS number's E.164 digits. */
  @Column({ name: 'sender', type: 'varchar', length: 64 })
  sender!: string;

  /** What the sender belongs to (WhatsApp: the WABA id; other channels: the connection id): pauses and the circuit key on it. */
  @Column({ name: 'account_id', type: 'varchar', length: 64, nullable: true })
  accountId!: string | null;

  /** Recipient address as the channel normalises it (phone channels: E.164 digits without '+'). */
  @Column({ name: 'recipient', type: 'varchar', length: 64 })
  to!: string;

  @Column({ type: 'varchar', length: 16 })
  type!: string;

  /** Meta's message object without `messaging_product` and `to` (what the worker sends). */
  @Column({ type: 'jsonb' })
  payload!: Record<string, unknown>;

  @Column({ type: 'jsonb' })
  metadata!: Record<string, unknown>;

  @Column({ type: 'varchar', length: 16 })
  status!: MessageStatus;

  @Column({ type: 'integer' })
  attempts!: number;

  /** The vendor's message id once a send was accepted (WhatsApp: the wamid). */
  @Column({ name: 'provider_message_id', type: 'varchar', length: 255, nullable: true })
  providerMessageId!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  error!: Record<string, unknown> | null;

  @Column({ type: 'jsonb', nullable: true })
  template!: MessageTemplateRef | null;

  /** Set while a Graph call is under way; still set after a crash or a timeout: the outcome is unknown. */
  @Column({ name: 'attempt_started_at', type: 'timestamptz', nullable: true })
  attemptStartedAt!: Date | null;

  /** W3C traceparent of the send span, which webhook processing links to. */
  @Column({ name: 'send_traceparent', type: 'varchar', length: 64, nullable: true })
  sendTraceparent!: string | null;

  /** When the message may be sent (UTC); null: at once. */
  @Column({ name: 'scheduled_at', type: 'timestamptz', nullable: true })
  scheduledAt!: Date | null;

  /** Requeues through the retry route; part of the send job's id. */
  @Column({ type: 'integer', default: 0 })
  retries!: number;

  @Column({ name: 'idempotency_key', type: 'varchar', length: 255, nullable: true })
  idempotencyKey!: string | null;

  @Column({ name: 'request_hash', type: 'char', length: 64, nullable: true })
  requestHash!: string | null;

  /** Which step of its route the message is on: 0 its first channel, 1 the first fallback ... */
  @Column({ name: 'route_step', type: 'integer', default: 0 })
  routeStep!: number;

  /** The fallback steps still available (resolved at accept from the request and the environment policy); null: none. */
  @Column({ type: 'jsonb', nullable: true })
  route!: RouteStep[] | null;

  /** When a "not delivered within" fallback fires unless a `delivered`/`read` came first. */
  @Column({ name: 'fallback_due_at', type: 'timestamptz', nullable: true })
  fallbackDueAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
