import { Column, CreateDateColumn, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { Environment } from './environment';

/**
 * Columns every tenant-owned row carries. Read and write such rows through
 * TenantScopedRepository, which fills tenantId and environment from the request.
 */
export abstract class TenantOwnedEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @Column({ type: 'varchar', length: 4 })
  environment!: Environment;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

/** A tenant-owned row that changes after creation. */
export abstract class MutableTenantOwnedEntity extends TenantOwnedEntity {
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
