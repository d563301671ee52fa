import { TenantOwnedEntity } from '@switchboard/tenancy';
import { Column, Entity } from 'typeorm';
import type { TenantEventType } from './tenant-events.constants';

/** Where a tenant environment wants its events; the signing secret is in the vault. */
@Entity({ name: 'event_endpoints' })
export class EventEndpointEntity extends TenantOwnedEntity {
  @Column({ type: 'varchar', length: 2000 })
  url!: string;

  @Column({ type: 'text', array: true })
  events!: TenantEventType[];

  @Column({ type: 'varchar', length: 200, nullable: true })
  description!: string | null;
}
