import { TenantOwnedEntity } from '@switchboard/tenancy';
import { Column, Entity } from 'typeorm';

export type SuppressionSource = 'manual' | 'worker' | 'webhook';

/** A recipient this tenant environment must not message. */
@Entity({ name: 'suppressions' })
export class SuppressionEntity extends TenantOwnedEntity {
  /** The recipient address (phone channels: E.164 digits). */
  @Column({ name: 'wa_id', type: 'varchar', length: 20 })
  waId!: string;

  /** The one channel it applies to (an SMS STOP is no WhatsApp opt-out); null: every channel. */
  @Column({ type: 'varchar', length: 32, nullable: true })
  channel!: string | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  reason!: string | null;

  @Column({ type: 'varchar', length: 16 })
  source!: SuppressionSource;
}
