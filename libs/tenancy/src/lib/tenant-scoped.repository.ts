import type { DeepPartial, FindManyOptions, FindOptionsWhere, ObjectLiteral, Repository } from 'typeorm';
import type { Environment } from './environment';
import { RequestContext } from './request-context';

export interface TenantOwned extends ObjectLiteral {
  tenantId: string;
  environment: Environment;
}

/**
 * A repository whose every read and write carries the request's tenant and
 * environment. Callers cannot pass their own: the scope is applied last, so a
 * forgotten or wrong filter is impossible rather than unlikely.
 */
export class TenantScopedRepository<T extends TenantOwned> {
  constructor(private readonly repository: Repository<T>) {}

  private scope(): FindOptionsWhere<T> {
    const { tenantId, environment } = RequestContext.principal();
    return { tenantId, environment } as FindOptionsWhere<T>;
  }

  async find(where: FindOptionsWhere<T> = {}, options: Omit<FindManyOptions<T>, 'where'> = {}): Promise<T[]> {
    return this.repository.find({ ...options, where: { ...where, ...this.scope() } });
  }

  async findOne(where: FindOptionsWhere<T>): Promise<T | null> {
    return this.repository.findOneBy({ ...where, ...this.scope() });
  }

  async count(where: FindOptionsWhere<T> = {}): Promise<number> {
    return this.repository.countBy({ ...where, ...this.scope() });
  }

  async save(entity: DeepPartial<T>): Promise<T> {
    return this.repository.save({ ...entity, ...this.scope() } as DeepPartial<T>);
  }

  async delete(where: FindOptionsWhere<T>): Promise<number> {
    return (await this.repository.delete({ ...where, ...this.scope() })).affected ?? 0;
  }
}
