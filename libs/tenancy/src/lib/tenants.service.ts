import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { SwitchboardError } from '@switchboard/error-taxonomy';
import { QueryFailedError, Repository } from 'typeorm';
import { TenantEntity } from './tenant.entity';

export interface TenantView {
  id: string;
  slug: string;
  name: string;
  createdAt: string;
}

export function tenantView(tenant: TenantEntity): TenantView {
  return { id: tenant.id, slug: tenant.slug, name: tenant.name, createdAt: tenant.createdAt.toISOString() };
}

const UNIQUE_VIOLATION = '23505';

@Injectable()
export class TenantsService {
  constructor(@InjectRepository(TenantEntity) private readonly tenants: Repository<TenantEntity>) {}

  async create(input: { slug: string; name: string }): Promise<TenantView> {
    try {
      const saved = await this.tenants.save(this.tenants.create(input));
      return tenantView(saved);
    } catch (error) {
      if (error instanceof QueryFailedError && (error.driverError as { code?: string }).code === UNIQUE_VIOLATION) {
        throw new SwitchboardError({
          code: 'conflict',
          message: `A tenant with slug "${input.slug}" already exists`,
          details: [{ path: 'slug', issue: 'already taken' }],
        });
      }
      throw error;
    }
  }

  async list(): Promise<TenantView[]> {
    return (await this.tenants.find({ order: { createdAt: 'ASC' } })).map(tenantView);
  }

  /** 404 for an unknown id, including ids that are not UUIDs at all. */
  async require(tenantId: string): Promise<TenantEntity> {
    const tenant = /^[0-9a-f-]{36}$/i.test(tenantId) ? await this.tenants.findOneBy({ id: tenantId }) : null;
    if (!tenant) throw new SwitchboardError({ code: 'not_found', message: 'No such tenant' });
    return tenant;
  }
}
