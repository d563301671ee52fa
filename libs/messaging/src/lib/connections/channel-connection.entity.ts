import { MutableTenantOwnedEntity } from '@switchboard/tenancy';
import { Column, Entity } from 'typeorm';

/**
 * One environment's account at a channel's vendor (an SMS provider account). The config the
 * plugin's schema describes, credentials included, is kept in the vault; the row holds what
 * the host looks up without decrypting: the senders and whether the account is paused.
 */
@Entity({ name: 'channel_connections' })
export class ChannelConnectionEntity extends MutableTenantOwnedEntity {
  @Column({ type: 'varchar', length: 32 })
  channel!: string;

  @Column({ type: 'varchar', length: 100, nullable: true })
  name!: string | null;

  /** The plugin's `sendersOf(config)`: the addresses this connection sends from. */
  @Column({ type: 'text', array: true })
  senders!: string[];

  /** Set when the vendor refused the credentials on a send: sends wait until the config is replaced. */
  @Column({ name: 'paused_at', type: 'timestamptz', nullable: true })
  pausedAt!: Date | null;

  @Column({ name: 'paused_reason', type: 'varchar', length: 500, nullable: true })
  pausedReason!: string | null;
}
