import type { Environment } from '@switchboard/tenancy';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** The last inbound message of a contact to one of our numbers: opens Meta's 24 h window. */
@Entity({ name: 'conversation_windows' })
export class ConversationWindowEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @Column({ type: 'varchar', length: 4 })
  environment!: Environment;

  @Column({ name: 'phone_number_id', type: 'varchar', length: 32 })
  phoneNumberId!: string;

  @Column({ name: 'wa_id', type: 'varchar', length: 20 })
  waId!: string;

  @Column({ name: 'last_inbound_at', type: 'timestamptz' })
  lastInboundAt!: Date;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
