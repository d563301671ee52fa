import type { Environment } from '@switchboard/tenancy';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { MessageStatus } from './message-status';

/** One step of a message's timeline. Append-only (a trigger refuses updates). */
@Entity({ name: 'message_events' })
export class MessageEventEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'message_id', type: 'varchar', length: 40 })
  messageId!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @Column({ type: 'varchar', length: 4 })
  environment!: Environment;

  @Column({ type: 'varchar', length: 16 })
  status!: MessageStatus;

  /** The channel the event happened on. */
  @Column({ type: 'varchar', length: 32 })
  channel!: string;

  /** The route step it belongs to (0: the first channel, 1: the first fallback ...). */
  @Column({ name: 'route_step', type: 'integer' })
  routeStep!: number;

  @Column({ type: 'timestamptz' })
  at!: Date;

  @Column({ type: 'jsonb', nullable: true })
  detail!: Record<string, unknown> | null;
}
