import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { Environment } from '@switchboard/tenancy';

/** Per tenant + environment settings; today the Graph origin (a `test` environment may use the simulator). */
@Entity({ name: 'tenant_environments' })
export class TenantEnvironmentEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @PrimaryColumn({ type: 'varchar', length: 4 })
  environment!: Environment;

  @Column({ name: 'graph_base_url', type: 'text', nullable: true })
  graphBaseUrl!: string | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
