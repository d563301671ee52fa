import { MutableTenantOwnedEntity } from '@switchboard/tenancy';
import { Column, Entity } from 'typeorm';

/** The last inbound message of a contact to one of our numbers: opens Meta's 24 h window. */
@Entity({ name: 'conversation_windows' })
export class ConversationWindowEntity extends MutableTenantOwnedEntity {
  @Column({ name: 'phone_number_id', type: 'varchar', length: 32 })
  phoneNumberId!: string;

  @Column({ name: 'wa_id', type: 'varchar', length: 20 })
  waId!: string;

  @Column({ name: 'last_inbound_at', type: 'timestamptz' })
  lastInboundAt!: Date;
}
