import { MutableTenantOwnedEntity } from '@switchboard/tenancy';
import { Column, Entity } from 'typeorm';
import type { TokenStatus } from './token-status';

/** A WhatsApp Business Account of one tenant + environment. The access token is in the vault. */
@Entity({ name: 'wabas' })
export class WabaEntity extends MutableTenantOwnedEntity {
  /** Meta's WABA id. */
  @Column({ name: 'waba_id', type: 'varchar', length: 32 })
  wabaId!: string;

  @Column({ name: 'meta_app_id', type: 'uuid' })
  metaAppId!: string;

  @Column({ name: 'token_status', type: 'varchar', length: 8 })
  tokenStatus!: TokenStatus;

  /** Null: the token never expires. */
  @Column({ name: 'token_expires_at', type: 'timestamptz', nullable: true })
  tokenExpiresAt!: Date | null;

  @Column({ name: 'token_scopes', type: 'text', array: true })
  tokenScopes!: string[];

  @Column({ name: 'token_checked_at', type: 'timestamptz' })
  tokenCheckedAt!: Date;

  /** Log-safe reason when the status is not `valid`. */
  @Column({ name: 'token_problem', type: 'text', nullable: true })
  tokenProblem!: string | null;

  @Column({ name: 'subscribed_at', type: 'timestamptz', nullable: true })
  subscribedAt!: Date | null;
}
