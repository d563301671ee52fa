import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Environment } from '@switchboard/tenancy';
import { Repository } from 'typeorm';
import { PhoneNumberEntity } from './phone-number.entity';
import { WabaEntity } from './waba.entity';

export interface AccountScope {
  tenantId: string;
  environment: Environment;
}

/** What a `phone_number_quality_update` changed on one of our numbers. */
export interface PhoneNumberLimitChange {
  phoneNumberId: string;
  scope: AccountScope;
  previousLimit: string | null;
  limit: string | null;
  event: string;
}

/** Routing answers are reused this long: WABAs and numbers move between tenants rarely, webhooks arrive in thousands. */
const ROUTE_TTL_MS = 30_000;
const ROUTE_CACHE_MAX = 10_000;

/**
 * The accounts side of webhook processing: which tenant environment a WABA id or a
 * phone_number_id belongs to (both are unique platform-wide), and the phone-number
 * updates Meta pushes (messaging limit, throughput upgrade).
 */
@Injectable()
export class WebhookDirectory {
  private readonly routes = new Map<string, { scope: AccountScope | null; until: number }>();

  constructor(
    @InjectRepository(WabaEntity) private readonly wabas: Repository<WabaEntity>,
    @InjectRepository(PhoneNumberEntity) private readonly numbers: Repository<PhoneNumberEntity>,
  ) {}

  scopeOfWaba(wabaId: string): Promise<AccountScope | null> {
    return this.cached(`waba:${wabaId}`, () => this.wabas.findOne({ select: { tenantId: true, environment: true }, where: { wabaId } }));
  }

  scopeOfPhoneNumber(phoneNumberId: string): Promise<AccountScope | null> {
    return this.cached(`number:${phoneNumberId}`, () => this.numbers.findOne({ select: { tenantId: true, environment: true }, where: { phoneNumberId } }));
  }

  /**
   * Applies a `phone_number_quality_update` (reference §3.8) to the WABA's number with that
   * display number. `max_daily_conversations_per_business` replaces `current_limit`, which
   * Meta removes; THROUGHPUT_UPGRADE means the automatic 1,000 mps level.
   */
  async applyQualityUpdate(
    wabaId: string,
    value: { display_phone_number: string; event: string; current_limit?: string | undefined; max_daily_conversations_per_business?: string | undefined },
  ): Promise<PhoneNumberLimitChange | null> {
    const waba = await this.wabas.findOneBy({ wabaId });
    if (!waba) return null;
    const digits = value.display_phone_number.replace(/[^0-9]/g, '');
    const number = (await this.numbers.findBy({ wabaRef: waba.id })).find((candidate) => candidate.displayPhoneNumber.replace(/[^0-9]/g, '') === digits);
    if (!number) return null;
    const previousLimit = number.messagingLimit;
    const limit = value.max_daily_conversations_per_business ?? value.current_limit ?? previousLimit;
    const upgrade = value.event === 'THROUGHPUT_UPGRADE';
    await this.numbers.update(
      { id: number.id },
      { messagingLimit: limit, ...(upgrade ? { throughputLevel: 'HIGH', throughputMps: 1000 } : {}) },
    );
    return { phoneNumberId: number.phoneNumberId, scope: { tenantId: number.tenantId, environment: number.environment }, previousLimit, limit, event: value.event };
  }

  private async cached(key: string, load: () => Promise<AccountScope | null>): Promise<AccountScope | null> {
    const now = Date.now();
    const hit = this.routes.get(key);
    if (hit && hit.until > now) return hit.scope;
    const row = await load();
    const scope = row ? { tenantId: row.tenantId, environment: row.environment } : null;
    if (this.routes.size >= ROUTE_CACHE_MAX) this.routes.clear();
    this.routes.set(key, { scope, until: now + ROUTE_TTL_MS });
    return scope;
  }
}
