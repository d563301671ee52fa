import { MutableTenantOwnedEntity } from '@switchboard/tenancy';
import { Column, Entity } from 'typeorm';

export const TEMPLATE_OPERATION_KINDS = ['sync', 'create', 'delete'] as const;
export type TemplateOperationKind = (typeof TEMPLATE_OPERATION_KINDS)[number];

export const TEMPLATE_OPERATION_STATES = ['queued', 'running', 'succeeded', 'failed'] as const;
export type TemplateOperationState = (typeof TEMPLATE_OPERATION_STATES)[number];

/** Meta's error behind a failure, when there is one (its code and title). */
export interface TemplateOperationErrorMeta {
  readonly code: number;
  readonly title: string;
}

/**
 * One template management call (sync, create or delete) of a tenant environment:
 * stored by the request, carried out by a worker. The row is the truth; its job only
 * names it.
 */
@Entity({ name: 'template_operations' })
export class TemplateOperationEntity extends MutableTenantOwnedEntity {
  @Column({ type: 'varchar', length: 8 })
  kind!: TemplateOperationKind;

  @Column({ type: 'varchar', length: 10 })
  state!: TemplateOperationState;

  @Column({ name: 'waba_id', type: 'varchar', length: 32, nullable: true })
  wabaId!: string | null;

  @Column({ name: 'template_name', type: 'varchar', length: 512, nullable: true })
  templateName!: string | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  language!: string | null;

  /** What the worker needs to carry it out (the creation body, the delete's Meta ids). */
  @Column({ type: 'jsonb', nullable: true })
  input!: Record<string, unknown> | null;

  @Column({ type: 'jsonb', nullable: true })
  result!: Record<string, unknown> | null;

  @Column({ name: 'error_code', type: 'varchar', length: 64, nullable: true })
  errorCode!: string | null;

  @Column({ name: 'error_message', type: 'text', nullable: true })
  errorMessage!: string | null;

  @Column({ name: 'error_meta', type: 'jsonb', nullable: true })
  errorMeta!: TemplateOperationErrorMeta | null;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt!: Date | null;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;
}
