import { Inject, Injectable, Logger } from '@nestjs/common';
import { SwitchboardError } from '@switchboard/error-taxonomy';
import type { MessageTemplate } from '@switchboard/graph-api-client';
import { buildPlaceholderMap, type StoredTemplateComponent } from '../placeholders/placeholder-map';
import { TemplateStore, type MetaTemplateRow } from '../persistence/template.store';
import { TEMPLATE_REGISTRY_SETTINGS, type TemplateRegistrySettings } from '../template-registry.constants';
import { inScope } from '../template-scope';
import { WABA_ACCESS_RESOLVER, type TemplateScope, type WabaAccess, type WabaAccessResolver } from '../waba-access.port';

export interface WabaSyncResult {
  readonly wabaId: string;
  /** Templates Graph listed (and the registry now holds) for this WABA. */
  readonly templates: number;
  /** Templates removed because Graph no longer lists them. */
  readonly removed: number;
  /** Why this WABA could not be read; the other WABAs of the scope are still synced. */
  readonly error?: { readonly code: string; readonly message: string };
}

export interface ScopeSyncResult {
  readonly syncedAt: string;
  readonly wabas: readonly WabaSyncResult[];
  /** Templates removed because their WABA no longer belongs to the scope. */
  readonly removedFromOtherWabas: number;
}

/** Meta answers `NONE` when nothing was rejected. */
function reason(value: string | undefined): string | null {
  return value === undefined || value === '' || value.toUpperCase() === 'NONE' ? null : value;
}

export function metaTemplateRow(wabaId: string, template: MessageTemplate, syncedAt: Date): MetaTemplateRow | undefined {
  if (template.language === undefined || !/^[0-9]{1,32}$/.test(template.id)) return undefined;
  const components = template.components.map((component) => ({ ...component })) as StoredTemplateComponent[];
  const placeholderMap = buildPlaceholderMap(components, template.parameterFormat);
  return {
    wabaId,
    metaTemplateId: template.id,
    name: template.name,
    language: template.language,
    category: (template.category ?? 'UNKNOWN').toUpperCase(),
    status: (template.status ?? 'UNKNOWN').toUpperCase(),
    rejectionReason: reason(template.rejectedReason),
    qualityScore: template.qualityScore ?? null,
    parameterFormat: placeholderMap.format,
    components,
    placeholderMap,
    lastSyncedAt: syncedAt,
  };
}

/**
 * Mirrors Graph's template list of every WABA of a tenant environment into the
 * registry (all pages), then removes what Graph no longer lists.
 */
@Injectable()
export class TemplateSyncService {
  private readonly logger = new Logger(TemplateSyncService.name);

  constructor(
    @Inject(WABA_ACCESS_RESOLVER) private readonly resolver: WabaAccessResolver,
    @Inject(TEMPLATE_REGISTRY_SETTINGS) private readonly settings: TemplateRegistrySettings,
    private readonly store: TemplateStore,
  ) {}

  /** Never throws for a Graph failure of one WABA: the result names it. */
  async syncScope(scope: TemplateScope): Promise<ScopeSyncResult> {
    return inScope(scope, async () => {
      const accesses = await this.resolver.resolve({ tenantId: scope.tenantId, environment: scope.environment });
      const wabas: WabaSyncResult[] = [];
      for (const access of accesses) wabas.push(await this.syncWaba(access));
      const removedFromOtherWabas = await this.store.deleteOutsideWabas(accesses.map((access) => access.wabaId));
      return { syncedAt: new Date().toISOString(), wabas, removedFromOtherWabas };
    });
  }

  private async syncWaba(access: WabaAccess): Promise<WabaSyncResult> {
    const listedAt = new Date();
    try {
      const listed = await access.graph.listTemplates(access.wabaId, { accessToken: access.accessToken }, { limit: this.settings.syncPageSize });
      const rows = new Map<string, MetaTemplateRow>();
      for (const template of listed.data) {
        const row = metaTemplateRow(access.wabaId, template, listedAt);
        if (row) rows.set(`${row.name}\u0000${row.language}`, row);
      }
      await this.store.upsertFromMeta([...rows.values()]);
      const removed = await this.store.deleteStale(access.wabaId, [...rows.values()].map((row) => row.metaTemplateId), listedAt);
      return { wabaId: access.wabaId, templates: rows.size, removed };
    } catch (error) {
      if (!SwitchboardError.isSwitchboardError(error)) throw error;
      this.logger.warn({ wabaId: access.wabaId, code: error.code, metaCode: error.meta?.code }, 'template sync of a WABA failed');
      return { wabaId: access.wabaId, templates: 0, removed: 0, error: { code: error.code, message: error.message } };
    }
  }
}
