import { MutableTenantOwnedEntity } from '@switchboard/tenancy';
import { Column, Entity } from 'typeorm';
import type { ParameterFormat, PlaceholderMap, StoredTemplateComponent } from '../placeholders/placeholder-map';

/** What the last status webhook said besides the status (Meta's reason, rejection_info, other_info, disable_info). */
export interface TemplateStatusDetail {
  readonly event: string;
  readonly reason: string | null;
  readonly info?: Readonly<Record<string, unknown>>;
}

/** An announced recategorisation (template_category_update, 24 h notice). */
export interface TemplateCategoryChange {
  readonly category: string;
  readonly effectiveAt: string | null;
}

/** One template of one WABA of one tenant environment, as Meta last told us. */
@Entity({ name: 'templates' })
export class TemplateEntity extends MutableTenantOwnedEntity {
  /** Meta's WABA id. */
  @Column({ name: 'waba_id', type: 'varchar', length: 32 })
  wabaId!: string;

  @Column({ name: 'meta_template_id', type: 'varchar', length: 32 })
  metaTemplateId!: string;

  @Column({ type: 'varchar', length: 512 })
  name!: string;

  @Column({ type: 'varchar', length: 16 })
  language!: string;

  @Column({ type: 'varchar', length: 32 })
  category!: string;

  @Column({ type: 'varchar', length: 32 })
  status!: string;

  @Column({ name: 'rejection_reason', type: 'text', nullable: true })
  rejectionReason!: string | null;

  @Column({ name: 'quality_score', type: 'varchar', length: 16, nullable: true })
  qualityScore!: string | null;

  @Column({ name: 'parameter_format', type: 'varchar', length: 16 })
  parameterFormat!: ParameterFormat;

  @Column({ type: 'jsonb' })
  components!: StoredTemplateComponent[];

  @Column({ name: 'placeholder_map', type: 'jsonb' })
  placeholderMap!: PlaceholderMap;

  @Column({ name: 'backup_template_name', type: 'varchar', length: 512, nullable: true })
  backupTemplateName!: string | null;

  @Column({ name: 'backup_language', type: 'varchar', length: 16, nullable: true })
  backupLanguage!: string | null;

  @Column({ name: 'status_detail', type: 'jsonb', nullable: true })
  statusDetail!: TemplateStatusDetail | null;

  /** Time of the last status webhook applied; older (redelivered, out-of-order) ones are ignored. */
  @Column({ name: 'status_event_at', type: 'timestamptz', nullable: true })
  statusEventAt!: Date | null;

  @Column({ name: 'category_change', type: 'jsonb', nullable: true })
  categoryChange!: TemplateCategoryChange | null;

  @Column({ name: 'last_synced_at', type: 'timestamptz', nullable: true })
  lastSyncedAt!: Date | null;
}
