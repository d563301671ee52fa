import { MutableTenantOwnedEntity } from '@switchboard/tenancy';
import { Column, Entity } from 'typeorm';

@Entity({ name: 'phone_numbers' })
export class PhoneNumberEntity extends MutableTenantOwnedEntity {
  /** Our id of the WABA row. */
  @Column({ name: 'waba_ref', type: 'uuid' })
  wabaRef!: string;

  @Column({ name: 'phone_number_id', type: 'varchar', length: 32 })
  phoneNumberId!: string;

  @Column({ name: 'display_phone_number', type: 'varchar', length: 32 })
  displayPhoneNumber!: string;

  @Column({ name: 'verified_name', type: 'text', nullable: true })
  verifiedName!: string | null;

  @Column({ name: 'quality_rating', type: 'varchar', length: 16, nullable: true })
  qualityRating!: string | null;

  @Column({ type: 'varchar', length: 32, nullable: true })
  status!: string | null;

  @Column({ name: 'name_status', type: 'varchar', length: 32, nullable: true })
  nameStatus!: string | null;

  @Column({ name: 'code_verification_status', type: 'varchar', length: 32, nullable: true })
  codeVerificationStatus!: string | null;

  @Column({ name: 'messaging_limit', type: 'varchar', length: 32, nullable: true })
  messagingLimit!: string | null;

  @Column({ name: 'throughput_level', type: 'varchar', length: 32, nullable: true })
  throughputLevel!: string | null;

  @Column({ name: 'throughput_mps', type: 'integer' })
  throughputMps!: number;

  @Column({ name: 'registered_at', type: 'timestamptz', nullable: true })
  registeredAt!: Date | null;

  @Column({ name: 'synced_at', type: 'timestamptz', nullable: true })
  syncedAt!: Date | null;

  /** A Meta public test number (test environments only): it delivers only to `testRecipients`. */
  @Column({ name: 'test_number', type: 'boolean', default: false })
  testNumber!: boolean;

  /** The recipients registered for the test number in Meta's App Dashboard, E.164 digits (at most 5). */
  @Column({ name: 'test_recipients', type: 'jsonb', default: () => "'[]'" })
  testRecipients!: string[];
}
