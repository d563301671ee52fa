import type { TemplateScope, WabaAccess, WabaAccessResolver } from './waba-access.port';

const key = (scope: TemplateScope) => `${scope.tenantId}:${scope.environment}`;

/**
 * A WabaAccessResolver over a fixed, in-memory assignment of WABAs to tenant
 * environments: for tests (pointed at the Meta simulator), sandboxes and other
 * libs' specs until the accounts lib provides the real one.
 */
export class StaticWabaAccessResolver implements WabaAccessResolver {
  private readonly assignments = new Map<string, WabaAccess[]>();

  assign(scope: TemplateScope, accesses: readonly WabaAccess[]): this {
    this.assignments.set(key(scope), [...accesses]);
    return this;
  }

  async resolve(scope: TemplateScope): Promise<WabaAccess[]> {
    return [...(this.assignments.get(key(scope)) ?? [])];
  }
}
