import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { SwitchboardError } from '@switchboard/error-taxonomy';
import type { GraphApiClient } from '@switchboard/graph-api-client';
import { CacheInvalidation, type InvalidatingCache } from '@switchboard/platform';
import { TenantsService, type Environment } from '@switchboard/tenancy';
import { TOKEN_VAULT, type TokenVault } from '@switchboard/token-vault';
import { Not, Repository } from 'typeorm';
import { ACCOUNTS_CACHE_TOPIC, accountsCacheKeys } from './accounts.cache';
import { GraphClients } from './graph-clients';
import { MetaAppsService } from './meta-apps.service';
import { inspectToken, type TokenInspection } from './token-inspection';
import { TOKEN_STATUSES, type TokenStatus } from './token-status';
import { WabaEntity } from './waba.entity';

export interface WabaView {
  id: string;
  wabaId: string;
  environment: Environment;
  appId: string;
  token: { expiresAt: string | null; scopes: string[]; status: WabaEntity['tokenStatus'] };
  subscribedAt: string | null;
}

export interface WabaAccess {
  wabaId: string;
  accessToken: string;
  graph: GraphApiClient;
}

/** What a send needs of its WABA: whether Meta accepts its token, and its credentials. */
export interface WabaSendAccess {
  readonly tokenStatus: TokenStatus;
  readonly access: WabaAccess;
}

const tokenScope = (waba: Pick<WabaEntity, 'tenantId' | 'environment' | 'wabaId'>) => ({
  tenantId: waba.tenantId,
  environment: waba.environment,
  purpose: 'waba_access_token' as const,
  ownerRef: waba.wabaId,
});

@Injectable()
export class WabasService {
  private readonly sendAccesses: InvalidatingCache<WabaSendAccess>;

  constructor(
    @InjectRepository(WabaEntity) private readonly wabas: Repository<WabaEntity>,
    @Inject(TOKEN_VAULT) private readonly vault: TokenVault,
    private readonly tenants: TenantsService,
    private readonly apps: MetaAppsService,
    private readonly graphClients: GraphClients,
    private readonly caches: CacheInvalidation,
  ) {
    this.sendAccesses = caches.cache(ACCOUNTS_CACHE_TOPIC, 'waba-send-access');
  }

  /**
   * debug_token first (reference §8): a token that is invalid, lacks a WhatsApp scope
   * or does not cover this WABA is refused with 422 before anything is stored.
   */
  async register(tenantId: string, input: { environment: Environment; wabaId: string; appId: string; accessToken: string }): Promise<WabaView> {
    await this.tenants.require(tenantId);
    const app = await this.apps.require(input.appId);
    const existing = await this.wabas.findOneBy({ wabaId: input.wabaId });
    if (existing) {
      const sameOwner = existing.tenantId === tenantId && existing.environment === input.environment;
      throw new SwitchboardError({
        code: 'conflict',
        message: sameOwner
          ? `WABA ${input.wabaId} is already registered here; rotate its token with PUT .../wabas/${input.wabaId}/token`
          : `WABA ${input.wabaId} is already registered`,
        details: [{ path: 'wabaId', issue: 'already registered' }],
      });
    }
    const inspection = await this.inspect(tenantId, input.environment, input.wabaId, app.appId, input.accessToken);
    const waba = await this.wabas.manager.transaction(async (manager) => {
      const saved = await manager.save(
        manager.create(WabaEntity, {
          tenantId,
          environment: input.environment,
          wabaId: input.wabaId,
          metaAppId: app.id,
          ...this.tokenColumns(inspection),
        }),
      );
      await this.vault.withManager(manager).put(tokenScope(saved), input.accessToken);
      return saved;
    });
    await this.changed(waba);
    return this.view(waba, app.appId);
  }

  /** Zero-downtime rotation: the new token is verified first; the old one serves until then. */
  async rotateToken(tenantId: string, wabaId: string, accessToken: string): Promise<WabaView> {
    const waba = await this.require(tenantId, wabaId);
    const app = await this.apps.requireById(waba.metaAppId);
    const inspection = await this.inspect(tenantId, waba.environment, wabaId, app.appId, accessToken);
    await this.storeToken(waba, accessToken, inspection);
    return this.view(waba, app.appId);
  }

  /** Replaces the stored token and its status in one transaction. */
  async storeToken(waba: WabaEntity, accessToken: string, inspection: TokenInspection): Promise<void> {
    Object.assign(waba, this.tokenColumns(inspection));
    await this.wabas.manager.transaction(async (manager) => {
      await manager.save(waba);
      await this.vault.withManager(manager).put(tokenScope(waba), accessToken);
    });
    await this.changed(waba);
  }

  async recordInspection(waba: WabaEntity, inspection: TokenInspection): Promise<void> {
    Object.assign(waba, this.tokenColumns(inspection));
    await this.wabas.save(waba);
    await this.changed(waba);
  }

  /**
   * Meta refused the token on a send (0, 10, 190, 200-299): the WABA's sends pause until a
   * rotation stores a token that debug_token accepts. Only a valid token is demoted, so a
   * rotation that lands meanwhile is not undone by a failure of the old token.
   */
  async markTokenRejected(waba: WabaEntity, problem: string): Promise<boolean> {
    const result = await this.wabas.update(
      { id: waba.id, tokenStatus: Not('invalid'), tokenCheckedAt: waba.tokenCheckedAt },
      { tokenStatus: 'invalid', tokenProblem: problem.slice(0, 500), tokenCheckedAt: new Date() },
    );
    if ((result.affected ?? 0) === 0) return false;
    await this.changed(waba);
    return true;
  }

  /**
   * The send path's read of a WABA, kept by this process until the WABA, its token or its
   * environment's Graph origin changes anywhere (then read again, the token past the
   * vault's own cache); 404 like `require`. The token stays in this process's memory.
   */
  sendAccess(scope: { tenantId: string; environment: Environment }, wabaId: string): Promise<WabaSendAccess> {
    return this.sendAccesses.get(accountsCacheKeys.waba(scope, wabaId), async () => {
      const waba = await this.wabas.findOneBy({ tenantId: scope.tenantId, environment: scope.environment, wabaId });
      if (!waba) throw new SwitchboardError({ code: 'not_found', message: `No WABA ${wabaId} for this tenant` });
      return { tokenStatus: waba.tokenStatus, access: await this.access(waba, { fresh: true }) };
    });
  }

  /** 404 for an unknown WABA and for a WABA of another tenant (never 403). */
  async require(tenantId: string, wabaId: string): Promise<WabaEntity> {
    const waba = await this.wabas.findOneBy({ tenantId, wabaId });
    if (!waba) throw new SwitchboardError({ code: 'not_found', message: `No WABA ${wabaId} for this tenant` });
    return waba;
  }

  listForScope(tenantId: string, environment: Environment): Promise<WabaEntity[]> {
    return this.wabas.find({ where: { tenantId, environment }, order: { createdAt: 'ASC' } });
  }

  /** WABAs whose token is expiring, expired or invalid (readiness details, alerts). */
  /** WABAs per token status, every status present (0 when none). */
  async countByTokenStatus(): Promise<Record<TokenStatus, number>> {
    const rows: Array<{ status: TokenStatus; count: string }> = await this.wabas
      .createQueryBuilder('waba')
      .select('waba.tokenStatus', 'status')
      .addSelect('count(*)', 'count')
      .groupBy('waba.tokenStatus')
      .getRawMany();
    const counts = Object.fromEntries(TOKEN_STATUSES.map((status) => [status, 0])) as Record<TokenStatus, number>;
    for (const row of rows) counts[row.status] = Number(row.count);
    return counts;
  }

  listTokenAttention(): Promise<WabaEntity[]> {
    return this.wabas.find({ where: { tokenStatus: Not('valid') }, order: { createdAt: 'ASC' } });
  }

  listAll(): Promise<WabaEntity[]> {
    return this.wabas.find({ order: { createdAt: 'ASC' } });
  }

  /** Token and Graph client for calls on behalf of this WABA (`fresh`: the token past the vault's cache). */
  async access(waba: WabaEntity, options: { fresh?: boolean } = {}): Promise<WabaAccess> {
    return {
      wabaId: waba.wabaId,
      accessToken: await this.vault.get(tokenScope(waba), options),
      graph: await this.graphClients.forEnvironment(waba.tenantId, waba.environment),
    };
  }

  /** Every WABA of a tenant + environment with its credentials (the template registry's port). */
  async resolve(scope: { tenantId: string; environment: Environment }): Promise<WabaAccess[]> {
    return Promise.all((await this.listForScope(scope.tenantId, scope.environment)).map((waba) => this.access(waba)));
  }

  /** Subscribes the WABA to its Meta app: the fix for webhooks that never arrive. */
  async subscribe(tenantId: string, wabaId: string) {
    const waba = await this.require(tenantId, wabaId);
    const { accessToken, graph } = await this.access(waba);
    await graph.subscribeApp(wabaId, { accessToken });
    const apps = (await graph.getSubscribedApps(wabaId, { accessToken })).data;
    waba.subscribedAt = new Date();
    await this.wabas.save(waba);
    return { wabaId, subscribed: true, subscribedApps: apps.map((app) => ({ id: app.id ?? null, name: app.name ?? null })) };
  }

  async view(waba: WabaEntity, appId?: string): Promise<WabaView> {
    return {
      id: waba.id,
      wabaId: waba.wabaId,
      environment: waba.environment,
      appId: appId ?? (await this.apps.requireById(waba.metaAppId)).appId,
      token: { expiresAt: waba.tokenExpiresAt?.toISOString() ?? null, scopes: waba.tokenScopes, status: waba.tokenStatus },
      subscribedAt: waba.subscribedAt?.toISOString() ?? null,
    };
  }

  async inspect(tenantId: string, environment: Environment, wabaId: string, appId: string, accessToken: string): Promise<TokenInspection> {
    const credentials = await this.apps.credentials(await this.apps.require(appId));
    const graph = await this.graphClients.forEnvironment(tenantId, environment);
    const debug = await graph.debugToken(accessToken, `${credentials.appId}|${credentials.appSecret}`);
    const inspection = inspectToken(debug.data, wabaId, new Date(), appId);
    if (inspection.problem) {
      throw new SwitchboardError({
        code: inspection.problem.code,
        message: inspection.problem.message,
        details: [{ path: 'accessToken', issue: inspection.problem.message }],
        redact: [accessToken],
      });
    }
    return inspection;
  }

  /** After the commit: every process reads the WABA (and its environment's sender list) again. */
  private changed(waba: WabaEntity): Promise<void> {
    return this.caches.invalidate(ACCOUNTS_CACHE_TOPIC, [accountsCacheKeys.waba(waba, waba.wabaId)]);
  }

  private tokenColumns(inspection: TokenInspection) {
    return {
      tokenStatus: inspection.status,
      tokenExpiresAt: inspection.expiresAt,
      tokenScopes: inspection.scopes,
      tokenCheckedAt: new Date(),
      tokenProblem: inspection.problem?.message ?? null,
    };
  }
}
