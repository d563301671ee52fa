import type { Environment } from '@switchboard/tenancy';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { StatusUpdate } from './status-update';

/** A status report for a message the gateway does not know yet (by id or provider message id). */
@Entity({ name: 'pending_statuses' })
export class PendingStatusEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @Column({ type: 'varchar', length: 4 })
  environment!: Environment;

  @Column({ type: 'varchar', length: 32 })
  channel!: string;

  @Column({ name: 'provider_message_id', type: 'varchar', length: 255 })
  providerMessageId!: string;

  /** Our message id when the vendor echoed it (WhatsApp's `biz_opaque_callback_data`, the SMS callback URL). */
  @Column({ name: 'message_id', type: 'varchar', length: 40, nullable: true })
  messageId!: string | null;

  @Column({ type: 'varchar', length: 16 })
  status!: string;

  @Column({ type: 'timestamptz' })
  at!: Date;

  @Column({ type: 'jsonb' })
  update!: StatusUpdate;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
