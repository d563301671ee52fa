import type { Environment } from '@switchboard/tenancy';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type SuppressionSource = 'manual' | 'worker' | 'webhook';

/** A recipient this tenant environment must not message. */
@Entity({ name: 'suppressions' })
export class SuppressionEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @Column({ type: 'varchar', length: 4 })
  environment!: Environment;

  @Column({ name: 'wa_id', type: 'varchar', length: 20 })
  waId!: string;

  @Column({ type: 'varchar', length: 500, nullable: true })
  reason!: string | null;

  @Column({ type: 'varchar', length: 16 })
  source!: SuppressionSource;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
